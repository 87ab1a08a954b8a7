package turn_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"sync/atomic"
	"testing"

	"github.com/pion/webrtc/v4"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/room"
)

// A viewer whose network lets only TLS to the TURN server out (ICE transport policy relay, a
// turns: URL) joins a live room and receives the host's media through the relay; the node's
// own ICE agent is the relay's peer.
func TestTURNRelayOnlyOverTLS(t *testing.T) {
	relay := mediatest.StartTURN(t, true)
	server, roots := relay.Server, relay.Roots
	node := mediatest.StartNodeWith(t, relay.Network(t))
	const session = "ses_turn"
	node.Rooms.Open(session)
	host := node.Join(t, session, "host", authz.SessionHost)
	host.Publish("audio", "video")

	dialer := &tlsDialer{roots: roots}
	viewer := node.JoinWithConfig(t, session, "viewer", authz.SessionParticipant, relayOnlyAPI(t, dialer),
		webrtc.Configuration{ICETransportPolicy: webrtc.ICETransportPolicyRelay})
	if len(viewer.Joined.ICEServers) != 1 || viewer.Joined.ICEServers[0].Username == "" {
		t.Fatalf("joined frame's ICE servers: %+v", viewer.Joined.ICEServers)
	}
	mediatest.WaitFor(t, "the viewer receiving the host's video and audio through the relay", func() bool {
		return viewer.Received("host", "video") >= 20 && viewer.Received("host", "audio") >= 20
	})
	pair := viewer.SelectedCandidatePair(t)
	if pair.Local.Typ != webrtc.ICECandidateTypeRelay || pair.Local.Protocol != webrtc.ICEProtocolUDP {
		t.Errorf("viewer's selected local candidate %s, want a relayed one", pair.Local)
	}
	if dialer.handshakes.Load() == 0 {
		t.Error("the viewer relayed without a TLS connection to the TURN server")
	}
	if got := server.Allocations(); got.Current < 1 || got.Total < 1 {
		t.Errorf("allocations %+v while the viewer relays", got)
	}
}

// relayOnlyAPI builds a client peer as a browser would be on a network that lets only TLS out:
// it reaches the TURN server over TCP, trusting the test's certificate. Pion's ICE agent checks
// a turns: server against the system's roots alone, so the TLS connection is made here, by its
// proxy-dialer hook, and checked against roots.
func relayOnlyAPI(t *testing.T, dialer *tlsDialer) *webrtc.API {
	t.Helper()
	se := mediatest.LoopbackSettings()
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeTCP4})
	se.SetICEProxyDialer(dialer)
	api, err := room.NewWebRTCAPI(se)
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// tlsDialer opens TLS connections that trust roots and check the server's name.
type tlsDialer struct {
	roots      *x509.CertPool
	handshakes atomic.Int32
}

func (d *tlsDialer) Dial(network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), mediatest.WaitLimit)
	defer cancel()
	dialer := tls.Dialer{Config: &tls.Config{RootCAs: d.roots, ServerName: host, MinVersion: tls.VersionTLS12}}
	conn, err := dialer.DialContext(ctx, network, addr)
	if err == nil {
		d.handshakes.Add(1)
	}
	return conn, err
}
