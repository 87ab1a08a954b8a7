package main

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"strconv"

	"github.com/pion/webrtc/v4"

	"github.com/onairhq/onair/media/room"
	"github.com/onairhq/onair/media/sfu"
)

// mediaReadBuffer is the shared media socket's receive buffer: 4 MiB holds about 3,500 full
// packets, a few tens of milliseconds of a large room's inbound traffic.
const mediaReadBuffer = 4 << 20

// tcpReadBuffer is what ICE-TCP keeps per connection for packets not yet read.
const tcpReadBuffer = 8

// mediaNetwork turns the media node's network settings into Pion's: a single UDP port shared
// by every PeerConnection (so a container publishes one port, and forwarded media is written
// to that socket directly), an optional TCP port for browsers whose network blocks UDP (ICE-TCP
// passive candidates), and the public addresses of a 1:1 NAT. close releases the shared sockets.
func mediaNetwork(cfg config) (network room.Network, close func() error, err error) {
	se := &network.Settings
	var closers []func() error
	close = func() error {
		var errs []error
		for _, c := range closers {
			errs = append(errs, c())
		}
		return errors.Join(errs...)
	}
	defer func() {
		if err != nil {
			_ = close()
		}
	}()
	if len(cfg.MediaPublicIPs) > 0 {
		for _, ip := range cfg.MediaPublicIPs {
			if net.ParseIP(ip) == nil {
				return network, close, fmt.Errorf("ONAIR_MEDIA_PUBLIC_IPS: %q is not an IP address", ip)
			}
		}
		se.SetNAT1To1IPs(cfg.MediaPublicIPs, webrtc.ICECandidateTypeHost)
	}
	if cfg.MediaUDPPort != "" {
		socket, err := listenMediaUDP(cfg.MediaUDPPort)
		if err != nil {
			return network, close, fmt.Errorf("ONAIR_MEDIA_UDP_PORT: %w", err)
		}
		mux := webrtc.NewICEUDPMux(nil, socket.Conn)
		// The mux closes the shared socket first, without logging a read error; then the twins.
		closers = append(closers, mux.Close, socket.Close)
		se.SetICEUDPMux(mux)
		network.SharedUDP = socket
	}
	if cfg.MediaTCPPort != "" {
		port, err := parsePort(cfg.MediaTCPPort)
		if err != nil {
			return network, close, fmt.Errorf("ONAIR_MEDIA_TCP_PORT: %w", err)
		}
		l, err := net.ListenTCP("tcp", &net.TCPAddr{Port: port})
		if err != nil {
			return network, close, fmt.Errorf("ONAIR_MEDIA_TCP_PORT: %w", err)
		}
		closers = append(closers, l.Close)
		se.SetICETCPMux(webrtc.NewICETCPMux(nil, l, tcpReadBuffer))
	}
	return network, close, nil
}

// listenMediaUDP opens the socket every PeerConnection's UDP media shares, with a twin per
// core for the fan-out's writers to send on (sfu.MediaSocket).
func listenMediaUDP(value string) (*sfu.MediaSocket, error) {
	port, err := parsePort(value)
	if err != nil {
		return nil, err
	}
	socket, err := sfu.ListenMediaSocket("udp", &net.UDPAddr{Port: port}, runtime.GOMAXPROCS(0), setDontFragment)
	if err != nil {
		return nil, err
	}
	// Every peer's media, RTCP and ICE checks arrive on the shared socket: the default receive
	// buffer (≈208 KiB) overflows whenever the process is descheduled briefly, dropping the
	// publisher's packets for every subscriber at once. The kernel caps it at rmem_max.
	if err := socket.Conn.SetReadBuffer(mediaReadBuffer); err != nil {
		_ = socket.Close()
		return nil, fmt.Errorf("receive buffer: %w", err)
	}
	return socket, nil
}

func parsePort(value string) (int, error) {
	port, err := strconv.Atoi(value)
	if err != nil || port < 1 || port > 65535 {
		return 0, fmt.Errorf("%q is not a port number", value)
	}
	return port, nil
}
