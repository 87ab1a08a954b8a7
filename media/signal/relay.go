package signal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/room"
	"github.com/onairhq/onair/media/wire"
)

// The relay WebSocket of a room spanning nodes (wire.Relay, media/room cascade.go): the
// origin's side is RelayHandler, the edge's DialOrigin.

// Relay limits: one relay carries the frames of every person on its edge, so its queue is
// deep and its messages may be as large as a joined frame's room snapshot.
const (
	relayQueue      = 8192
	relayReadLimit  = 8 << 20
	relayHelloLimit = 10 * time.Second
)

// RelayHandler serves edges' relays (at jointoken.RelayPath) on a room's origin node.
func RelayHandler(p Params) http.Handler {
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	return &relayHandler{p}
}

type relayHandler struct{ Params }

func (h *relayHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		h.Logger.Debug("relay websocket accept", "err", err)
		return
	}
	ws.SetReadLimit(relayReadLimit)
	conn := newConnOf[wire.Relay](ws, h.Logger, relayQueue)
	written := make(chan struct{})
	go func() {
		defer close(written)
		conn.writeLoop(context.Background())
	}()
	defer func() {
		conn.Close("relay ended")
		<-written
	}()
	ctx := r.Context()
	hctx, cancel := context.WithTimeout(ctx, relayHelloLimit)
	hello, err := readRelay(hctx, ws)
	cancel()
	if err != nil || hello.Type != wire.RelayHello {
		return
	}
	claims, err := jointoken.VerifyRelay(h.Secret, hello.Token, hello.Session, h.Now())
	var rm *room.Room
	if err == nil {
		rm, err = h.Rooms.RelayRoom(ctx, claims)
	}
	var relay *room.Participant
	if err == nil {
		relay, err = rm.AddRelay(claims.NodeID, relaySignalSink{conn})
	}
	if err != nil {
		h.Logger.Info("edge relay refused", "session", hello.Session, "err", err)
		conn.Send(wire.Relay{Type: wire.RelayRefused, Frame: errorFrame(err)})
		return
	}
	conn.Send(wire.Relay{Type: wire.RelayReady})
	s := &relaySession{h: h, conn: conn, room: rm, relay: relay, people: map[string]*room.Participant{}}
	s.serve(ctx, ws)
	for _, p := range s.people {
		rm.Leave(p)
	}
	rm.RemoveRelay(relay)
	h.Logger.Info("edge relay ended", "session", claims.SessionID, "edge", claims.NodeID)
}

// relaySession is one edge's relay on the origin: the edge's people in the room, by their
// connection's name.
type relaySession struct {
	h      *relayHandler
	conn   *conn[wire.Relay]
	room   *room.Room
	relay  *room.Participant
	people map[string]*room.Participant
}

func (s *relaySession) serve(ctx context.Context, ws *websocket.Conn) {
	for {
		m, err := readRelay(ctx, ws)
		if err != nil {
			return
		}
		switch {
		case m.Type == wire.RelaySignal && m.Frame != nil:
			if err := s.room.HandleRelay(s.relay, *m.Frame); err != nil {
				s.h.Logger.Warn("edge relay negotiation", "err", err)
				if errors.Is(err, room.ErrNegotiationBroken) {
					return
				}
			}
		case m.Type == wire.RelayJoin && m.Claims != nil && m.Conn != "":
			s.join(ctx, m)
		case m.Type == wire.RelayFrame && m.Frame != nil:
			if p := s.people[m.Conn]; p != nil {
				if err := s.room.Handle(p, *m.Frame); err != nil {
					s.conn.Send(wire.Relay{Type: wire.RelayDeliver, Conn: m.Conn, Frame: errorFrame(err)})
				}
			}
		case m.Type == wire.RelayLeave:
			if p := s.people[m.Conn]; p != nil {
				delete(s.people, m.Conn)
				s.room.Leave(p)
			}
		}
	}
}

// join admits a person of the edge (their token was verified there, with the secret this
// relay proved it has) into the origin's room.
func (s *relaySession) join(ctx context.Context, m wire.Relay) {
	if m.Claims.SessionID != s.room.SessionID() {
		s.conn.Send(wire.Relay{Type: wire.RelayRefused, Conn: m.Conn, Frame: errorFrame(jointoken.ErrTokenWrongSession)})
		return
	}
	r, p, err := s.h.Rooms.JoinRemote(ctx, *m.Claims, remoteSink{conn: s.conn, name: m.Conn})
	if err == nil && r != s.room {
		r.Leave(p)
		err = fmt.Errorf("%w: the room was reopened", room.ErrRoomClosed)
	}
	if err != nil {
		s.conn.Send(wire.Relay{Type: wire.RelayRefused, Conn: m.Conn, Frame: errorFrame(err)})
		return
	}
	s.people[m.Conn] = p
}

func errorFrame(err error) *wire.Frame {
	return &wire.Frame{Type: wire.FrameError, Code: errorCode(err), Message: err.Error()}
}

func readRelay(ctx context.Context, ws *websocket.Conn) (wire.Relay, error) {
	var m wire.Relay
	_, data, err := ws.Read(ctx)
	if err == nil {
		err = json.Unmarshal(data, &m)
	}
	return m, err
}

// remoteSink delivers an edge person's frames through the edge's relay.
type remoteSink struct {
	conn *conn[wire.Relay]
	name string
}

func (s remoteSink) Send(f wire.Frame) bool {
	return s.conn.Send(wire.Relay{Type: wire.RelayDeliver, Conn: s.name, Frame: &f})
}

func (s remoteSink) Close(reason string) {
	s.conn.Send(wire.Relay{Type: wire.RelayClose, Conn: s.name, Reason: reason})
}

// relaySignalSink carries the relay PeerConnection's negotiation; closing it ends the relay.
type relaySignalSink struct{ conn *conn[wire.Relay] }

func (s relaySignalSink) Send(f wire.Frame) bool {
	return s.conn.Send(wire.Relay{Type: wire.RelaySignal, Frame: &f})
}

func (s relaySignalSink) Close(reason string) { s.conn.Close(reason) }

// DialOrigin is how an edge node opens a room's relay to its origin, authenticated by a relay
// token signed with the media secret.
func DialOrigin(secret []byte, log *slog.Logger) room.DialOrigin {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(ctx context.Context, d room.OriginDial) (room.OriginLink, error) {
		tok, err := jointoken.SignRelay(secret, jointoken.RelayClaims{SessionID: d.SessionID, WorkspaceID: d.WorkspaceID, NodeID: d.NodeID,
			ExpiresAt: time.Now().Add(jointoken.RelayTTL).Unix()})
		if err != nil {
			return nil, err
		}
		ws, _, err := websocket.Dial(ctx, relayURL(d.URL), nil)
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", d.URL, err)
		}
		ws.SetReadLimit(relayReadLimit)
		hello, _ := json.Marshal(wire.Relay{Type: wire.RelayHello, Session: d.SessionID, Token: tok})
		answer := wire.Relay{}
		if err = ws.Write(ctx, websocket.MessageText, hello); err == nil {
			answer, err = readRelay(ctx, ws)
		}
		switch {
		case err != nil:
		case answer.Type == wire.RelayRefused && answer.Frame != nil:
			err = &room.RefusedError{Code: answer.Frame.Code, Message: answer.Frame.Message}
		case answer.Type != wire.RelayReady && answer.Type != wire.RelaySignal:
			err = fmt.Errorf("the origin answered %q to the relay's hello", answer.Type)
		}
		if err != nil {
			_ = ws.CloseNow()
			return nil, err
		}
		// The origin admits the relay, then says ready: its first offer may come before.
		l := &originLink{ws: ws, conn: newConnOf[wire.Relay](ws, log, relayQueue), written: make(chan struct{})}
		if answer.Type == wire.RelaySignal {
			l.first = &answer
		}
		go func() {
			defer close(l.written)
			l.conn.writeLoop(context.Background())
		}()
		return l, nil
	}
}

func relayURL(origin string) string {
	u := strings.TrimRight(origin, "/") + jointoken.RelayPath
	if rest, ok := strings.CutPrefix(u, "http"); ok {
		return "ws" + rest
	}
	return u
}

// originLink is an edge's end of a relay.
type originLink struct {
	ws      *websocket.Conn
	conn    *conn[wire.Relay]
	written chan struct{}
	first   *wire.Relay // read with the answer to the hello, handed over first
}

func (l *originLink) Send(m wire.Relay) bool { return l.conn.Send(m) }

func (l *originLink) Run(in func(wire.Relay)) error {
	defer func() {
		l.conn.Close("relay ended")
		<-l.written
	}()
	if l.first != nil {
		in(*l.first)
	}
	for {
		m, err := readRelay(context.Background(), l.ws)
		if err != nil {
			return err
		}
		in(m)
	}
}

func (l *originLink) Close() { l.conn.Close("edge closed the relay") }
