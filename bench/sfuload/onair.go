package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/pion/webrtc/v4"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/wire"
)

const benchSession, benchWorkspace = "ses_bench", "ws_bench"

// onairTarget speaks onair's signaling: a join frame with a signed token, then the server
// offers (subscribers) or answers (the publisher's offer), candidates trickled both ways.
type onairTarget struct {
	base      string // http://host:port
	session   string
	secret    []byte
	simulcast bool // subscribers ask for a layer by the size they show the video at
}

func (o onairTarget) name() string { return "onair" }
func (o onairTarget) audio() bool  { return true }

// open makes the room live so participants may join.
func (o onairTarget) open(ctx context.Context) error {
	return mediactl.New(o.base, o.secret, http.DefaultClient).OpenRoom(ctx, o.session, mediactl.OpenRequest{WorkspaceID: benchWorkspace})
}

// signalPeer binds one PeerConnection to one signaling WebSocket for its lifetime.
type signalPeer struct {
	pc     *webrtc.PeerConnection
	ws     *websocket.Conn
	wmu    sync.Mutex
	errs   chan error
	joined chan struct{}
}

func (o onairTarget) connect(ctx context.Context, pc *webrtc.PeerConnection, person string, role authz.SessionRole) (*signalPeer, error) {
	tok, err := jointoken.Sign(o.secret, jointoken.Claims{SessionID: o.session, WorkspaceID: benchWorkspace, PersonID: person, Role: role,
		Name: person, MediaURL: o.base, ExpiresAt: time.Now().Add(time.Hour).Unix()})
	if err != nil {
		return nil, err
	}
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(o.base, "http")+jointoken.SignalPath, nil)
	if err != nil {
		return nil, fmt.Errorf("dial signaling: %w", err)
	}
	ws.SetReadLimit(1 << 20)
	sp := &signalPeer{pc: pc, ws: ws, errs: make(chan error, 1), joined: make(chan struct{})}
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c != nil {
			init := c.ToJSON()
			sp.send(wire.Frame{Type: wire.FrameCandidate, Candidate: &init})
		}
	})
	if err := sp.sendErr(ctx, wire.Frame{Type: wire.FrameJoin, Session: o.session, Token: tok}); err != nil {
		return nil, err
	}
	go sp.readLoop()
	select { // the server may offer before it confirms the join
	case <-sp.joined:
		return sp, nil
	case err := <-sp.errs:
		sp.close()
		return nil, fmt.Errorf("join %s: %w", person, err)
	case <-ctx.Done():
		sp.close()
		return nil, fmt.Errorf("join %s: %w", person, ctx.Err())
	}
}

func (sp *signalPeer) sendErr(ctx context.Context, f wire.Frame) error {
	sp.wmu.Lock()
	defer sp.wmu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return wsjson.Write(ctx, sp.ws, f)
}

func (sp *signalPeer) send(f wire.Frame) {
	if err := sp.sendErr(context.Background(), f); err != nil {
		sp.fail(err)
	}
}

func (sp *signalPeer) fail(err error) {
	select {
	case sp.errs <- err:
	default:
	}
}

// readLoop answers the server's offers and applies its answers and candidates.
func (sp *signalPeer) readLoop() {
	for {
		var f wire.Frame
		if err := wsjson.Read(context.Background(), sp.ws, &f); err != nil {
			sp.fail(fmt.Errorf("signaling closed: %w", err))
			return
		}
		var err error
		switch f.Type {
		case wire.FrameJoined:
			close(sp.joined)
		case wire.FrameOffer:
			err = sp.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: f.SDP})
			var answer webrtc.SessionDescription
			if err == nil {
				answer, err = sp.pc.CreateAnswer(nil)
			}
			if err == nil {
				err = sp.pc.SetLocalDescription(answer)
			}
			if err == nil {
				sp.send(wire.Frame{Type: wire.FrameAnswer, SDP: answer.SDP})
			}
		case wire.FrameAnswer:
			err = sp.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: f.SDP})
		case wire.FrameCandidate:
			if f.Candidate != nil {
				err = sp.pc.AddICECandidate(*f.Candidate)
			}
		case wire.FrameError:
			err = fmt.Errorf("server error frame %s: %s", f.Code, f.Message)
		}
		if err != nil {
			sp.fail(err)
		}
	}
}

func (sp *signalPeer) close() { _ = sp.ws.CloseNow() }

// publish joins as the host and offers the publisher's tracks.
func (o onairTarget) publish(ctx context.Context, p *publisher) (func(), error) {
	sp, err := o.connect(ctx, p.pc, "host_bench", authz.SessionHost)
	if err != nil {
		return nil, err
	}
	offer, err := p.pc.CreateOffer(nil)
	if err == nil {
		err = p.pc.SetLocalDescription(offer)
	}
	if err == nil {
		err = sp.sendErr(ctx, wire.Frame{Type: wire.FrameOffer, SDP: offer.SDP})
	}
	if err != nil {
		sp.close()
		return nil, fmt.Errorf("publisher offer: %w", err)
	}
	return sp.close, nil
}

// subscribe joins as a participant; the server offers the published tracks.
func (o onairTarget) subscribe(ctx context.Context, s *subscriber, i int) (func(), error) {
	sp, err := o.connect(ctx, s.pc, fmt.Sprintf("reg_bench_%03d", i), authz.SessionParticipant)
	if err != nil {
		return nil, err
	}
	if o.simulcast {
		if err := sp.sendErr(ctx, simulcastSize(i)); err != nil {
			sp.close()
			return nil, err
		}
	}
	return sp.close, nil
}
