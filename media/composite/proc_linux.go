package composite

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill ffmpeg when the worker dies (SIGKILL, OOM): an orphan
// would go on burning the machine's cores on a replay nobody will put in place. (The signal
// follows the thread that started ffmpeg; Go ends threads only for goroutines that locked one.)
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
