//go:build !linux

package sfu

import "net"

// listenTwins opens the shared socket alone: the steering of incoming datagrams to one socket
// of a reuseport group is Linux's.
func listenTwins(network string, addr *net.UDPAddr, _ int) (*net.UDPConn, []*net.UDPConn, error) {
	conn, err := net.ListenUDP(network, addr)
	return conn, nil, err
}
