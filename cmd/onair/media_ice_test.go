package main

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/pion/webrtc/v4"
)

// A media node behind a 1:1 NAT with one published UDP port announces exactly that address and
// port in its ICE candidates; bad settings stop it from starting.
func TestMediaNetworkSettings(t *testing.T) {
	for _, bad := range []config{{MediaUDPPort: "http"}, {MediaUDPPort: "70000"}, {MediaPublicIPs: []string{"media.example.com"}}} {
		if _, closeUDP, err := mediaSettings(bad); err == nil {
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
	se, closeUDP, err := mediaSettings(config{MediaUDPPort: fmt.Sprint(port), MediaPublicIPs: []string{"203.0.113.7"}})
	if err != nil {
		t.Fatal(err)
	}
	defer closeUDP()
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	pc, err := webrtc.NewAPI(webrtc.WithSettingEngine(se)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if _, err := pc.CreateDataChannel("probe", nil); err != nil {
		t.Fatal(err)
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	sdp := pc.LocalDescription().SDP
	want := fmt.Sprintf("203.0.113.7 %d typ host", port)
	if !strings.Contains(sdp, want) {
		t.Fatalf("no %q candidate in the offer:\n%s", want, sdp)
	}
}
