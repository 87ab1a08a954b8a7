package sfu

import (
	"context"
	"fmt"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// listenTwins binds the shared socket and n twins to one port with SO_REUSEPORT. The port is
// first bound without it, so a port another process holds is refused as usual (a second node
// started on the same port would otherwise join the group and read nothing); then the group
// is formed on it, and a one-instruction BPF program makes the kernel deliver every incoming
// datagram to the group's first socket, the shared one. Where the program cannot be attached,
// the shared socket is opened alone.
func listenTwins(network string, addr *net.UDPAddr, n int) (*net.UDPConn, []*net.UDPConn, error) {
	probe, err := net.ListenUDP(network, addr)
	if err != nil {
		return nil, nil, err
	}
	if n <= 0 {
		return probe, nil, nil
	}
	bound := *probe.LocalAddr().(*net.UDPAddr)
	bound.IP = addr.IP // keep the wildcard dual-stack when addr had no IP
	_ = probe.Close()
	conn, err := listenReusePort(network, &bound)
	if err != nil {
		return nil, nil, err
	}
	if err := steerToFirst(conn); err != nil {
		// Without the steering a twin would read a share of the traffic: no twins.
		_ = conn.Close()
		conn, err := net.ListenUDP(network, &bound)
		return conn, nil, err
	}
	var twins []*net.UDPConn
	for range n {
		twin, err := listenReusePort(network, &bound)
		if err != nil {
			break
		}
		twins = append(twins, twin)
	}
	return conn, twins, nil
}

func listenReusePort(network string, addr *net.UDPAddr) (*net.UDPConn, error) {
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		if err := c.Control(func(fd uintptr) {
			serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
		}); err != nil {
			return err
		}
		return serr
	}}
	pc, err := lc.ListenPacket(context.Background(), network, addr.String())
	if err != nil {
		return nil, err
	}
	return pc.(*net.UDPConn), nil
}

// steerToFirst attaches to conn's reuseport group the classic BPF program "return 0": every
// datagram goes to the group's socket 0, the first bound.
func steerToFirst(conn *net.UDPConn) error {
	raw, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	prog := []unix.SockFilter{{Code: unix.BPF_RET | unix.BPF_K, K: 0}}
	var serr error
	if err := raw.Control(func(fd uintptr) {
		serr = unix.SetsockoptSockFprog(int(fd), unix.SOL_SOCKET, unix.SO_ATTACH_REUSEPORT_CBPF,
			&unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]})
	}); err != nil {
		return err
	}
	if serr != nil {
		return fmt.Errorf("reuseport steering: %w", serr)
	}
	return nil
}
