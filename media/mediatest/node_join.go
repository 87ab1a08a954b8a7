package mediatest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pion/webrtc/v4"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// Joining the node under test: tokens as the API issues them, and Clients dialing in.

// Token is a join token for person with role in session.
func (n *Node) Token(t *testing.T, session, person string, role authz.SessionRole) string {
	t.Helper()
	return n.TokenFor(t, n.Claims(session, person, role))
}

// Claims are the claims of a join token the API would issue now, in TestWorkspace.
func (n *Node) Claims(session, person string, role authz.SessionRole) jointoken.Claims {
	return jointoken.Claims{SessionID: session, WorkspaceID: TestWorkspace, PersonID: person, Role: role, Name: person,
		MediaURL: n.Server.URL, ExpiresAt: time.Now().Add(time.Minute).Unix()}
}

// TokenFor signs c with TestSecret.
func (n *Node) TokenFor(t *testing.T, c jointoken.Claims) string {
	t.Helper()
	tok, err := jointoken.Sign(TestSecret, c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Dial opens the WebSocket and the PeerConnection without joining.
func (n *Node) Dial(t *testing.T, name string) *Client {
	t.Helper()
	return n.DialWith(t, name, n.webrtc)
}

// DialWith dials with a peer built on api (other network settings than the node's tests use).
func (n *Node) DialWith(t *testing.T, name string, api *webrtc.API) *Client {
	t.Helper()
	return n.dial(t, name, api, webrtc.Configuration{})
}

func (n *Node) dial(t *testing.T, name string, api *webrtc.API, config webrtc.Configuration) *Client {
	t.Helper()
	return DialURL(t, n.Server.URL, name, api, config)
}

// DialURL dials the media node at mediaURL (one running in another process, say) with a peer
// built on api and config, without joining.
func DialURL(t *testing.T, mediaURL, name string, api *webrtc.API, config webrtc.Configuration) *Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), WaitLimit)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(mediaURL, "http")+jointoken.SignalPath, nil)
	if err != nil {
		t.Fatalf("%s: dial: %v", name, err)
	}
	ws.SetReadLimit(4 << 20)
	p := &Client{t: t, Name: name, WS: ws, frames: make(chan wire.Frame, 1024)}
	p.Peer = NewPeer(t, PeerParams{WebRTC: api, Name: name, Config: config, Send: func(s Signal) {
		p.Send(wire.Frame{Type: s.Type, SDP: s.SDP, Candidate: s.Candidate})
	}})
	go p.readLoop()
	t.Cleanup(func() { _ = ws.CloseNow() })
	return p
}

// Join dials and joins with a fresh token for role, waiting for the joined frame.
func (n *Node) Join(t *testing.T, session, person string, role authz.SessionRole) *Client {
	t.Helper()
	return n.JoinWith(t, session, person, role, n.webrtc)
}

// JoinWith joins with a peer built on api.
func (n *Node) JoinWith(t *testing.T, session, person string, role authz.SessionRole, api *webrtc.API) *Client {
	t.Helper()
	return n.JoinWithConfig(t, session, person, role, api, webrtc.Configuration{})
}

// JoinWithConfig joins with a peer built on api with config (an ICE transport policy); the
// joined frame's TURN servers are added to it, as the room page adds them.
func (n *Node) JoinWithConfig(t *testing.T, session, person string, role authz.SessionRole, api *webrtc.API,
	config webrtc.Configuration) *Client {
	t.Helper()
	p := n.dial(t, person, api, config)
	p.Send(wire.Frame{Type: wire.FrameJoin, Session: session, Token: n.Token(t, session, person, role)})
	p.Joined = p.Expect(wire.FrameJoined)
	return p
}

// LiveHostAndViewer opens the room and joins a host and a viewer; it returns once the host's
// video reaches the viewer.
func (n *Node) LiveHostAndViewer(t *testing.T, session string) (host, viewer *Client) {
	t.Helper()
	n.Rooms.Open(session)
	host = n.Join(t, session, "host", authz.SessionHost)
	viewer = n.Join(t, session, "viewer", authz.SessionParticipant)
	host.Publish("video")
	WaitFor(t, "viewer receiving", func() bool { return viewer.Received("host", "video") >= 20 })
	return host, viewer
}

// SendJoin dials and sends a join with a token the API would issue for ses, without waiting.
func (n *Node) SendJoin(t *testing.T, ses *store.Session, person string, role authz.SessionRole) *Client {
	t.Helper()
	c := n.Claims(ses.ID, person, role)
	c.WorkspaceID = ses.WorkspaceID
	p := n.Dial(t, person)
	p.Send(wire.Frame{Type: wire.FrameJoin, Session: ses.ID, Token: n.TokenFor(t, c)})
	return p
}

func (n *Node) JoinSession(t *testing.T, ses *store.Session, person string, role authz.SessionRole) *Client {
	t.Helper()
	p := n.SendJoin(t, ses, person, role)
	p.Joined = p.Expect(wire.FrameJoined)
	return p
}

// ExpectJoinRefused expects p's join to be turned away with code, and no room to exist for session.
func (n *Node) ExpectJoinRefused(t *testing.T, p *Client, code, session string) {
	t.Helper()
	p.ExpectError(code)
	p.ExpectClosed()
	if _, ok := n.Rooms.Get(session); ok {
		t.Fatalf("%s: a refused join left a room for %s", p.Name, session)
	}
}
