package main

import (
	"net"
	"syscall"
	"testing"
)

// The shared media socket sends with DF set, on both address families of a dual-stack socket.
func TestSharedMediaSocketSetsDontFragment(t *testing.T) {
	for _, network := range []string{"udp", "udp4"} {
		conn, err := net.ListenUDP(network, &net.UDPAddr{})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if err := setDontFragment(conn); err != nil {
			t.Fatalf("%s: %v", network, err)
		}
		raw, err := conn.SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		var v4, v6 int
		var gerr error
		_ = raw.Control(func(fd uintptr) {
			v4, gerr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_IP, syscall.IP_MTU_DISCOVER)
			if gerr == nil && isIPv6Socket(conn) {
				v6, gerr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_IPV6, syscall.IPV6_MTU_DISCOVER)
			}
		})
		if gerr != nil {
			t.Fatal(gerr)
		}
		if v4 != syscall.IP_PMTUDISC_PROBE || (isIPv6Socket(conn) && v6 != syscall.IPV6_PMTUDISC_PROBE) {
			t.Errorf("%s: IP_MTU_DISCOVER %d, IPV6_MTU_DISCOVER %d; want probe (DF set)", network, v4, v6)
		}
	}
}
