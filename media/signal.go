package media

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/wire"
)

// Frame size limits: a frame over maxFrameBytes gets an error frame and is skipped; one over
// hardFrameBytes ends the connection (the WebSocket library refuses to buffer it).
const (
	maxFrameBytes  = 64 << 10
	hardFrameBytes = 1 << 20
	joinTimeout    = 15 * time.Second
)

// SignalParams builds the signaling endpoint.
type SignalParams struct {
	Rooms  *Rooms
	Secret []byte // verifies join tokens
	Now    func() time.Time
	Logger *slog.Logger
	// OriginPatterns are extra browser origins allowed to open the WebSocket (the room page
	// is served by the media service itself, which is always allowed).
	OriginPatterns []string
}

type signalHandler struct {
	SignalParams
}

// NewSignalHandler serves the signaling WebSocket: the first frame must be a join with a
// token; then offer/answer/candidate and stage frames. Bad input gets an error frame.
func NewSignalHandler(p SignalParams) http.Handler {
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	return &signalHandler{p}
}

func (h *signalHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: h.OriginPatterns})
	if err != nil {
		h.Logger.Debug("websocket accept", "err", err)
		return
	}
	ws.SetReadLimit(hardFrameBytes)
	conn := newSignalConn(ws, h.Logger)
	written := make(chan struct{})
	go func() {
		defer close(written)
		conn.writeLoop(context.Background()) // each write has its own deadline
	}()

	s := &signalSession{h: h, conn: conn}
	timer := time.AfterFunc(joinTimeout, func() {
		if !s.joined.Load() {
			conn.closeWith(websocket.StatusPolicyViolation, "no join frame")
		}
	})
	defer timer.Stop()
	s.readLoop(r.Context(), ws)
	if s.p != nil {
		s.room.leave(s.p)
	}
	conn.Close("bye")
	<-written // flush the last frames (a refusal's error frame) before the socket closes
}

// signalSession is one connection's state: nobody until a valid join, then a participant.
type signalSession struct {
	h      *signalHandler
	conn   *signalConn
	joined atomic.Bool
	room   *Room
	p      *Participant
}

func (s *signalSession) readLoop(ctx context.Context, ws *websocket.Conn) {
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
func (s *signalSession) handle(ctx context.Context, f wire.Frame) bool {
	if f.Type == wire.FrameJoin {
		return s.join(ctx, f)
	}
	if s.p == nil {
		s.fail(wire.CodeNotJoined, "send a join frame first")
		return true
	}
	var err error
	switch f.Type {
	case wire.FrameOffer:
		err = s.p.handleOffer(f.SDP)
	case wire.FrameAnswer:
		err = s.p.handleAnswer(f.SDP)
	case wire.FrameCandidate:
		if f.Candidate == nil || f.Candidate.Candidate == "" {
			err = errBadCandidate
		} else {
			err = s.p.handleCandidate(*f.Candidate)
		}
	case wire.FrameStageInvite:
		err = s.room.InviteToStage(s.p, f.Person)
	case wire.FrameStageAccept:
		err = s.room.AcceptStage(s.p)
	case wire.FrameStageDecline:
		err = s.room.DeclineStage(s.p)
	case wire.FrameStageRemove:
		err = s.room.RemoveFromStage(s.p, f.Person)
	case wire.FrameRecordStart, wire.FrameRecordStop:
		err = s.room.handleRecordFrame(s.p, f.Type == wire.FrameRecordStart)
	default:
		h, ok := roomHandlers[f.Type] // room events: room_*.go
		if !ok {
			s.fail(wire.CodeUnknownType, "unknown frame type "+quote(f.Type))
			return true
		}
		err = h(s.room, s.p, f)
	}
	if err != nil {
		s.fail(errorCode(err), err.Error())
	}
	return !errors.Is(err, errNegotiationBroken)
}

func (s *signalSession) join(ctx context.Context, f wire.Frame) bool {
	if s.p != nil {
		s.fail(wire.CodeAlreadyJoined, "already joined")
		return true
	}
	claims, err := jointoken.Verify(s.h.Secret, f.Token, f.Session, s.h.Now())
	if err == nil {
		claims = s.h.Rooms.currentRole(claims)
		// The room first: a participant waiting for the start costs one store read per try.
		s.room, err = s.h.Rooms.roomFor(ctx, claims)
	}
	if err == nil {
		err = s.h.Rooms.refuseBlocked(ctx, claims)
	}
	if err == nil {
		s.p, err = s.room.join(claims, s.conn)
	}
	if err != nil {
		// Token and room refusals end the connection: retrying the same frame cannot succeed.
		s.h.Logger.Info("join refused", "session", f.Session, "err", err)
		s.fail(errorCode(err), err.Error())
		s.conn.closeWith(websocket.StatusPolicyViolation, errorCode(err))
		return false
	}
	s.joined.Store(true) // room.join sent the joined frame
	return true
}

func (s *signalSession) fail(code, message string) {
	s.conn.Send(wire.Frame{Type: wire.FrameError, Code: code, Message: message})
}

func errorCode(err error) string {
	switch {
	case errors.Is(err, jointoken.ErrTokenExpired):
		return wire.CodeTokenExpired
	case errors.Is(err, jointoken.ErrTokenWrongSession):
		return wire.CodeWrongSession
	case errors.Is(err, jointoken.ErrTokenForged), errors.Is(err, jointoken.ErrTokenMalformed), errors.Is(err, ErrWrongWorkspace):
		return wire.CodeTokenInvalid
	case errors.Is(err, ErrRoomNotLive):
		return wire.CodeRoomNotLive
	case errors.Is(err, ErrRoomClosed):
		return wire.CodeRoomClosed
	case errors.Is(err, errBadSDP), errors.Is(err, errNegotiationBroken):
		return wire.CodeBadSDP
	case errors.Is(err, errBadCandidate):
		return wire.CodeBadCandidate
	case errors.Is(err, authz.ErrDenied):
		return wire.CodeDenied
	case errors.Is(err, ErrNoSuchPerson):
		return wire.CodeNoSuchPerson
	case errors.Is(err, ErrNoStageInvite):
		return wire.CodeNoInvite
	case isRecordingError(err):
		return wire.CodeRecordingFailed
	}
	return roomErrorCode(err)
}

func roomErrorCode(err error) string {
	switch {
	case errors.Is(err, ErrRateLimited):
		return wire.CodeRateLimited
	case errors.Is(err, ErrBadRequest):
		return wire.CodeBadRequest
	case errors.Is(err, ErrNotFound):
		return wire.CodeNotFound
	case errors.Is(err, ErrRoomFull):
		return wire.CodeRoomFull
	case errors.Is(err, ErrBlocked):
		return wire.CodeBlocked
	case errors.Is(err, ErrDisabled):
		return wire.CodeDisabled
	}
	return "internal"
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	b, _ := json.Marshal(s)
	return string(b)
}
