package room_test

import (
	"net"
	"testing"

	"github.com/pion/webrtc/v4"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/room"
)

// A subscriber whose network blocks UDP reaches the node over ICE-TCP: its media goes through
// Pion's write path (the direct path is the shared UDP socket's) and still carries sender
// reports, while a UDP subscriber in the same room takes the direct path.
func TestSubscriberOverTCPGoesThroughPion(t *testing.T) {
	network := mediatest.SharedUDPNetwork(t)
	l, err := net.ListenTCP("tcp4", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	network.Settings.SetICETCPMux(webrtc.NewICETCPMux(nil, l, 8))
	network.Settings.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeTCP4})
	n := mediatest.StartNodeWith(t, network)

	tcpOnly := mediatest.LoopbackSettings()
	tcpOnly.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeTCP4})
	tcpAPI, err := room.NewWebRTCAPI(tcpOnly)
	if err != nil {
		t.Fatal(err)
	}

	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	overTCP := n.JoinWith(t, session, "tcp_viewer", authz.SessionParticipant, tcpAPI)
	overUDP := n.Join(t, session, "udp_viewer", authz.SessionParticipant)
	host.Publish("audio", "video")
	waitReceiving(t, []*mediatest.Client{overTCP, overUDP})

	if got := n.DirectPackets(t, session, "tcp_viewer"); got != 0 {
		t.Errorf("%d packets to the TCP subscriber were written to the UDP socket", got)
	}
	if got := n.DirectPackets(t, session, "udp_viewer"); got == 0 {
		t.Error("no packet to the UDP subscriber took the direct path")
	}
	for _, kind := range []string{"audio", "video"} {
		mediatest.WaitFor(t, "sender reports over TCP for "+kind, func() bool { return overTCP.SenderReports("host", kind) > 0 })
	}
}
