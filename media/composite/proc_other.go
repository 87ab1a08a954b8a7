//go:build !linux

package composite

import "os/exec"

// dieWithParent: only Linux has a parent-death signal; elsewhere a killed worker's ffmpeg
// runs to its end, and the next run removes what it wrote.
func dieWithParent(*exec.Cmd) {}
