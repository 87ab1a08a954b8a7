package api_test

import (
	"testing"

	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/room"
	"github.com/onairhq/onair/media/wire"
)

// publisher is a room client with a real Pion peer over loopback (media/mediatest) that sends
// an Opus and a VP8 track, as a host's browser does with camera and microphone.
type publisher struct {
	*roomClient
	*mediatest.Peer
}

// newPublisher joins like joinRoom, its peer answering the node's signaling.
func newPublisher(t *testing.T, session string, token reply) *publisher {
	t.Helper()
	api, err := room.NewWebRTCAPI(mediatest.LoopbackSettings())
	if err != nil {
		t.Fatal(err)
	}
	p := &publisher{}
	p.Peer = mediatest.NewPeer(t, mediatest.PeerParams{WebRTC: api, Name: "host", Send: func(s mediatest.Signal) {
		p.sendQuiet(wire.Frame{Type: s.Type, SDP: s.SDP, Candidate: s.Candidate})
	}})
	p.roomClient = dialRoom(t, token, func(f wire.Frame) bool {
		return p.HandleSignal(mediatest.Signal{Type: f.Type, SDP: f.SDP, Candidate: f.Candidate})
	})
	p.joinAs(session, token)
	return p
}
