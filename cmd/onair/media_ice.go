package main

import (
	"fmt"
	"net"
	"strconv"

	"github.com/pion/webrtc/v4"
)

// mediaReadBuffer is the shared media socket's receive buffer: 4 MiB holds about 3,500 full
// packets, a few tens of milliseconds of a large room's inbound traffic.
const mediaReadBuffer = 4 << 20

// mediaSettings turns the media node's network settings into Pion's: a single UDP port shared
// by every PeerConnection (so a container publishes one port) and the public addresses of a
// 1:1 NAT. close releases the shared socket.
func mediaSettings(cfg config) (se webrtc.SettingEngine, close func() error, err error) {
	close = func() error { return nil }
	if len(cfg.MediaPublicIPs) > 0 {
		for _, ip := range cfg.MediaPublicIPs {
			if net.ParseIP(ip) == nil {
				return se, close, fmt.Errorf("ONAIR_MEDIA_PUBLIC_IPS: %q is not an IP address", ip)
			}
		}
		se.SetNAT1To1IPs(cfg.MediaPublicIPs, webrtc.ICECandidateTypeHost)
	}
	if cfg.MediaUDPPort == "" {
		return se, close, nil
	}
	port, err := strconv.Atoi(cfg.MediaUDPPort)
	if err != nil || port < 1 || port > 65535 {
		return se, close, fmt.Errorf("ONAIR_MEDIA_UDP_PORT: %q is not a port number", cfg.MediaUDPPort)
	}
	conn, err := net.ListenUDP("udp", &net.UDPAddr{Port: port})
	if err != nil {
		return se, close, fmt.Errorf("ONAIR_MEDIA_UDP_PORT: %w", err)
	}
	// Every peer's media, RTCP and ICE checks arrive on this one socket: the default receive
	// buffer (≈208 KiB) overflows whenever the process is descheduled briefly, dropping the
	// publisher's packets for every subscriber at once. The kernel caps it at rmem_max.
	if err := conn.SetReadBuffer(mediaReadBuffer); err != nil {
		_ = conn.Close()
		return se, close, fmt.Errorf("ONAIR_MEDIA_UDP_PORT: receive buffer: %w", err)
	}
	if err := setDontFragment(conn); err != nil {
		_ = conn.Close()
		return se, close, fmt.Errorf("ONAIR_MEDIA_UDP_PORT: %w", err)
	}
	se.SetICEUDPMux(webrtc.NewICEUDPMux(nil, conn))
	return se, conn.Close, nil
}
