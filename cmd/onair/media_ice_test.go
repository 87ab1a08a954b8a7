package main

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
)

// A media node behind a 1:1 NAT with one published UDP port announces exactly that address and
// port in its ICE candidates; bad settings stop it from starting.
func TestMediaNetworkSettings(t *testing.T) {
	for _, bad := range []config{{MediaUDPPort: "http"}, {MediaUDPPort: "70000"}, {MediaPublicIPs: []string{"media.example.com"}}} {
		if _, closeUDP, err := mediaNetwork(bad); err == nil {
			_ = closeUDP()
			t.Errorf("settings %+v accepted", bad)
		}
	}

	l, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	port := l.LocalAddr().(*net.UDPAddr).Port
	l.Close()
	network, closeUDP, err := mediaNetwork(config{MediaUDPPort: fmt.Sprint(port), MediaPublicIPs: []string{"203.0.113.7"}})
	if err != nil {
		t.Fatal(err)
	}
	defer closeUDP()
	if network.SharedUDP == nil || network.SharedUDP.Conn.LocalAddr().(*net.UDPAddr).Port != port {
		t.Errorf("shared UDP socket %v, want port %d", network.SharedUDP, port)
	}
	se := network.Settings
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	pc, err := webrtc.NewAPI(webrtc.WithSettingEngine(se)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if _, err := pc.CreateDataChannel("probe", nil); err != nil {
		t.Fatal(err)
	}
	sdp := describe(t, pc, func() (webrtc.SessionDescription, error) { return pc.CreateOffer(nil) })
	want := fmt.Sprintf("203.0.113.7 %d typ host", port)
	if !strings.Contains(sdp, want) {
		t.Fatalf("no %q candidate in the offer:\n%s", want, sdp)
	}
}

// With ONAIR_MEDIA_TCP_PORT the node also offers ICE-TCP on that port, so a browser whose
// network blocks UDP still connects: a client that may use TCP only exchanges data with it.
func TestMediaOverTCPWhenUDPIsBlocked(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	if _, closeTCP, err := mediaNetwork(config{MediaTCPPort: "0"}); err == nil {
		_ = closeTCP()
		t.Error("TCP port 0 accepted")
	}
	network, closeMedia, err := mediaNetwork(config{MediaTCPPort: fmt.Sprint(port)})
	if err != nil {
		t.Fatal(err)
	}
	defer closeMedia()
	se := network.Settings
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeTCP4})
	se.SetIncludeLoopbackCandidate(true)
	node, err := webrtc.NewAPI(webrtc.WithSettingEngine(se)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer node.Close()

	var clientSE webrtc.SettingEngine
	clientSE.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeTCP4}) // no UDP at all
	clientSE.SetIncludeLoopbackCandidate(true)
	client, err := webrtc.NewAPI(webrtc.WithSettingEngine(clientSE)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()

	got := make(chan string, 1)
	client.OnDataChannel(func(dc *webrtc.DataChannel) {
		dc.OnMessage(func(m webrtc.DataChannelMessage) { got <- string(m.Data) })
	})
	dc, err := node.CreateDataChannel("probe", nil)
	if err != nil {
		t.Fatal(err)
	}
	dc.OnOpen(func() { _ = dc.SendText("over tcp") })

	if sdp := describe(t, node, func() (webrtc.SessionDescription, error) { return node.CreateOffer(nil) }); !strings.Contains(sdp, fmt.Sprintf(" %d typ host tcptype passive", port)) {
		t.Fatalf("no passive TCP candidate on port %d in the offer:\n%s", port, sdp)
	}
	if err := client.SetRemoteDescription(*node.LocalDescription()); err != nil {
		t.Fatal(err)
	}
	describe(t, client, func() (webrtc.SessionDescription, error) { return client.CreateAnswer(nil) })
	if err := node.SetRemoteDescription(*client.LocalDescription()); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		if m != "over tcp" {
			t.Fatalf("got %q", m)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("no data over ICE-TCP (ICE state %s)", client.ICEConnectionState())
	}
	pair, err := client.SCTP().Transport().ICETransport().GetSelectedCandidatePair()
	if err != nil || pair == nil || pair.Local.Protocol != webrtc.ICEProtocolTCP {
		t.Fatalf("selected pair %v, %v: want TCP", pair, err)
	}
}

// describe sets the offer or answer create makes as pc's local description and returns its SDP
// once every candidate is gathered into it (no trickle).
func describe(t *testing.T, pc *webrtc.PeerConnection, create func() (webrtc.SessionDescription, error)) string {
	t.Helper()
	desc, err := create()
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(desc); err != nil {
		t.Fatal(err)
	}
	<-gathered
	return pc.LocalDescription().SDP
}
