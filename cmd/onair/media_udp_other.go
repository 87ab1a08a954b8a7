//go:build !linux

package main

import "net"

// setDontFragment is a Linux optimisation (see media_udp_linux.go); elsewhere the kernel's
// default stands.
func setDontFragment(*net.UDPConn) error { return nil }
