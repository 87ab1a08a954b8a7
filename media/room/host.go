package room

import (
	"context"
	"errors"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/hostctl"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/wire"
)

// Host controls (wire/host.go): a host goes live from the green room or ends the session. The
// room checks room.start_stop against the person's live role, then hands the request to the
// API (SessionControl), whose session workflow decides and carries it out: its effects reach
// the room through the control API like any start or stop (a live frame, then bye).

// SessionControl takes a host's start and stop of their session to the API (media/hostctl).
type SessionControl interface {
	Start(ctx context.Context, host jointoken.Claims) error
	Stop(ctx context.Context, host jointoken.Claims) error
}

// controlSession is session.start or session.stop from p. The API call runs off p's read
// loop: the stop it asks for closes this very room, and p's other frames must not wait on it.
// Its refusal reaches p as an error frame (session_control_failed).
func (r *Room) controlSession(p *Participant, f wire.Frame) error {
	r.mu.Lock()
	err := p.canLocked(authz.RoomStartStop)
	host := jointoken.Claims{SessionID: r.sessionID, WorkspaceID: r.ev.workspaceID, PersonID: p.id, Role: p.role, Name: p.name}
	r.mu.Unlock()
	if err != nil {
		return err
	}
	start := f.Type == wire.FrameSessionStart
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), hostctl.Timeout)
		defer cancel()
		err := hostctl.ErrUnavailable
		switch {
		case r.control != nil && start:
			err = r.control.Start(ctx, host)
		case r.control != nil:
			err = r.control.Stop(ctx, host)
		}
		if err == nil {
			r.log.Info("session control done", "person", host.PersonID, "start", start)
			return
		}
		r.log.Info("session control refused", "person", host.PersonID, "start", start, "err", err)
		message := err.Error()
		var refusal *hostctl.Refusal
		if errors.As(err, &refusal) {
			message = refusal.Detail
		}
		p.sink.Send(wire.Frame{Type: wire.FrameError, Code: wire.CodeSessionControlFailed, Message: message})
	}()
	return nil
}
