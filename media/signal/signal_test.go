package signal_test

import (
	"context"

	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pion/webrtc/v4"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/wire"
)

const session = "ses_live_room"

// Expired, forged and wrong-session tokens are refused with an error frame, then the
// connection closes; participants wait until the room is live, staff may enter early.
func TestJoinRefusals(t *testing.T) {
	n := mediatest.StartNode(t)
	sign := func(c jointoken.Claims) string {
		tok, err := jointoken.Sign(mediatest.TestSecret, c)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	base := jointoken.Claims{SessionID: session, PersonID: "reg_1", Role: authz.SessionParticipant, ExpiresAt: time.Now().Add(time.Minute).Unix()}
	expired := base
	expired.ExpiresAt = time.Now().Add(-time.Second).Unix()
	forged, _ := jointoken.Sign([]byte("someone else's secret"), base)

	cases := []struct {
		name, session, token, code string
	}{
		{"expired", session, sign(expired), wire.CodeTokenExpired},
		{"forged", session, forged, wire.CodeTokenInvalid},
		{"garbage", session, "not-a-token", wire.CodeTokenInvalid},
		{"wrong session", "ses_other", sign(base), wire.CodeWrongSession},
		{"participant before live", session, sign(base), wire.CodeRoomNotLive},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := n.Dial(t, tc.name)
			p.Send(wire.Frame{Type: wire.FrameJoin, Session: tc.session, Token: tc.token})
			p.ExpectError(tc.code)
			p.ExpectClosed()
		})
	}

	host := n.Join(t, session, "host", authz.SessionHost) // green room
	if r, ok := n.Rooms.Get(session); !ok || r.Live() {
		t.Fatal("a host entering early should create a room that is not live yet")
	}
	n.Rooms.Open(session)
	n.Join(t, session, "reg_1", authz.SessionParticipant)
	host.Send(wire.Frame{Type: wire.FrameJoin, Session: session, Token: n.Token(t, session, "host", authz.SessionHost)})
	host.ExpectError(wire.CodeAlreadyJoined)
}

// Bad frames get error frames and the connection keeps working; a frame over the hard limit
// closes only that connection; the room keeps serving everyone else.
func TestBadFramesGetErrorFrames(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)

	early := n.Dial(t, "early")
	early.Send(wire.Frame{Type: wire.FrameOffer, SDP: "v=0"})
	early.ExpectError(wire.CodeNotJoined)

	host := n.Join(t, session, "host", authz.SessionHost)
	for _, tc := range []struct {
		name  string
		frame string
		code  string
	}{
		{"not JSON", `{"type":`, wire.CodeBadJSON},
		{"JSON array", `[1,2,3]`, wire.CodeBadJSON},
		{"wrong field type", `{"type":"offer","sdp":42}`, wire.CodeBadJSON},
		{"unknown type", `{"type":"dance"}`, wire.CodeUnknownType},
		{"oversized", `{"type":"offer","sdp":"` + strings.Repeat("a", 100<<10) + `"}`, wire.CodeTooLarge},
		{"garbage SDP", `{"type":"offer","sdp":"hello"}`, wire.CodeBadSDP},
		{"empty SDP", `{"type":"offer"}`, wire.CodeBadSDP},
		{"SDP without fingerprint", `{"type":"offer","sdp":"` + noFingerprintSDP + `"}`, wire.CodeBadSDP},
		{"answer without offer", `{"type":"answer","sdp":"v=0"}`, wire.CodeBadSDP},
		{"candidate missing", `{"type":"candidate"}`, wire.CodeBadCandidate},
		{"stage invite of nobody", `{"type":"stage.invite","person":"ghost"}`, wire.CodeNoSuchPerson},
	} {
		host.SendRaw([]byte(tc.frame))
		if f := host.Expect(wire.FrameError); f.Code != tc.code {
			t.Errorf("%s: error code %q (%s), want %q", tc.name, f.Code, f.Message, tc.code)
		}
	}

	// After all that the same connection still publishes, and viewers receive.
	viewer := n.Join(t, session, "viewer", authz.SessionParticipant)
	host.Publish("video")
	mediatest.WaitFor(t, "viewer receiving after bad frames", func() bool { return viewer.Received("host", "video") >= 20 })

	// A malformed candidate once negotiation is done.
	host.Send(wire.Frame{Type: wire.FrameCandidate, Candidate: &webrtc.ICECandidateInit{Candidate: "candidate:garbage"}})
	host.ExpectError(wire.CodeBadCandidate)

	// A frame over the hard limit ends that connection only.
	vandal := n.Join(t, session, "vandal", authz.SessionParticipant)
	vandal.SendRaw([]byte(`{"type":"offer","sdp":"` + strings.Repeat("a", 2<<20) + `"}`))
	vandal.ExpectClosed()
	before := viewer.Received("host", "video")
	mediatest.WaitFor(t, "viewer still receiving", func() bool { return viewer.Received("host", "video") >= before+20 })
	mediatest.WaitFor(t, "the vandal leaving the room", func() bool { return len(n.Room(t, session).Participants()) == 2 })
}

// noFingerprintSDP parses but cannot be applied: Pion fails after starting to apply it, so the
// server must roll back for the connection to stay usable.
const noFingerprintSDP = `v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n` +
	`m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n` +
	`a=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=mid:0\r\na=sendonly\r\na=rtpmap:96 VP8/90000\r\n`

// A peer that floods the server and never reads its replies is disconnected once its bounded
// write queue fills; the room keeps forwarding to everyone else meanwhile.
func TestFloodingPeerIsDisconnectedNotWaitedOn(t *testing.T) {
	n := mediatest.StartNode(t)
	host, viewer := n.LiveHostAndViewer(t, session)

	flooder := n.Dial(t, "flooder")
	flooder.Send(wire.Frame{Type: wire.FrameJoin, Session: session, Token: n.Token(t, session, "flooder", authz.SessionParticipant)})
	mediatest.WaitFor(t, "the flooder in the room", func() bool { return len(n.Room(t, session).Participants()) == 3 })
	// From here on the flooder never reads: every frame it sends earns an error frame that
	// piles up on its side.
	flood := []byte(`{"type":"` + strings.Repeat("x", 40) + `"}`)
	ctx, cancel := context.WithTimeout(context.Background(), mediatest.WaitLimit)
	defer cancel()
	sent := 0
	for ; ctx.Err() == nil; sent++ {
		if err := flooder.WS.Write(ctx, websocket.MessageText, flood); err != nil {
			break
		}
		if sent%1000 == 0 && len(n.Room(t, session).Participants()) == 2 {
			break
		}
	}
	mediatest.WaitFor(t, "the flooder disconnected", func() bool { return len(n.Room(t, session).Participants()) == 2 })
	t.Logf("flooder disconnected after %d frames", sent)

	before := viewer.Received("host", "video")
	mediatest.WaitFor(t, "viewer still receiving", func() bool { return viewer.Received("host", "video") >= before+20 })
	host.Send(wire.Frame{Type: wire.FrameStageInvite, Person: "viewer"})
	viewer.Expect(wire.FrameStageInvited)
}
