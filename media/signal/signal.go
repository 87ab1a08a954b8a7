// Package signal is a media node's WebSocket transport: it accepts a room page's signaling
// socket, verifies the join token of its first frame, reads frames under size limits and
// writes them from a bounded queue (conn.go), hands every frame to the room model (media/room,
// through its exported API alone) and turns the room's sentinel errors into the error codes
// of error frames (errors.go).
package signal

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/room"
	"github.com/onairhq/onair/media/wire"
)

// Frame size limits: a frame over maxFrameBytes gets an error frame and is skipped; one over
// hardFrameBytes ends the connection (the WebSocket library refuses to buffer it).
const (
	maxFrameBytes  = 64 << 10
	hardFrameBytes = 1 << 20
	joinTimeout    = 15 * time.Second
)

// Params builds the signaling endpoint.
type Params struct {
	Rooms  *room.Rooms
	Secret []byte // verifies join tokens
	Now    func() time.Time
	Logger *slog.Logger
	// OriginPatterns are extra browser origins allowed to open the WebSocket (the room page
	// is served by the media service itself, which is always allowed).
	OriginPatterns []string
}

type handler struct {
	Params
}

// NewHandler serves the signaling WebSocket (at jointoken.SignalPath): the first frame must
// be a join with a token; then every frame goes to the participant's room. Bad input gets an
// error frame.
func NewHandler(p Params) http.Handler {
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	return &handler{p}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: h.OriginPatterns})
	if err != nil {
		h.Logger.Debug("websocket accept", "err", err)
		return
	}
	ws.SetReadLimit(hardFrameBytes)
	conn := newConn(ws, h.Logger)
	written := make(chan struct{})
	go func() {
		defer close(written)
		conn.writeLoop(context.Background()) // each write has its own deadline
	}()

	s := &session{h: h, conn: conn}
	timer := time.AfterFunc(joinTimeout, func() {
		if !s.joined.Load() {
			conn.closeWith(websocket.StatusPolicyViolation, "no join frame")
		}
	})
	defer timer.Stop()
	s.readLoop(r.Context(), ws)
	if s.p != nil {
		s.room.Leave(s.p)
	}
	conn.Close("bye")
	<-written // flush the last frames (a refusal's error frame) before the socket closes
}

// session is one connection's state: nobody until a valid join, then a participant.
type session struct {
	h      *handler
	conn   *conn[wire.Frame]
	joined atomic.Bool
	room   *room.Room
	p      *room.Participant
}

func (s *session) readLoop(ctx context.Context, ws *websocket.Conn) {
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			if websocket.CloseStatus(err) == websocket.StatusMessageTooBig {
				s.h.Logger.Info("signaling frame over the hard limit", "limit", hardFrameBytes)
			}
			return
		}
		if len(data) > maxFrameBytes {
			s.fail(wire.CodeTooLarge, "frame larger than 64 KiB")
			continue
		}
		var f wire.Frame
		if err := json.Unmarshal(data, &f); err != nil {
			s.fail(wire.CodeBadJSON, "frame is not a JSON object of the signaling protocol")
			continue
		}
		if !s.handle(ctx, f) {
			return
		}
	}
}

// handle acts on one frame; false ends the connection.
func (s *session) handle(ctx context.Context, f wire.Frame) bool {
	if f.Type == wire.FrameJoin {
		return s.join(ctx, f)
	}
	if s.p == nil {
		s.fail(wire.CodeNotJoined, "send a join frame first")
		return true
	}
	err := s.room.Handle(s.p, f)
	if err != nil {
		s.fail(errorCode(err), err.Error())
	}
	return !errors.Is(err, room.ErrNegotiationBroken)
}

func (s *session) join(ctx context.Context, f wire.Frame) bool {
	if s.p != nil {
		s.fail(wire.CodeAlreadyJoined, "already joined")
		return true
	}
	claims, err := jointoken.Verify(s.h.Secret, f.Token, f.Session, s.h.Now())
	if err == nil {
		s.room, s.p, err = s.h.Rooms.Join(ctx, claims, s.conn)
	}
	if err != nil {
		// Token and room refusals end the connection: retrying the same frame cannot succeed.
		s.h.Logger.Info("join refused", "session", f.Session, "err", err)
		s.fail(errorCode(err), err.Error())
		s.conn.closeWith(websocket.StatusPolicyViolation, errorCode(err))
		return false
	}
	s.joined.Store(true) // Join sent the joined frame
	return true
}

func (s *session) fail(code, message string) {
	s.conn.Send(wire.Frame{Type: wire.FrameError, Code: code, Message: message})
}
