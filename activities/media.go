package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/store"
)

// OpenRoomInput names the session going live.
type OpenRoomInput struct {
	SessionID string
}

// OpenRoom places the session's room on the least-loaded healthy media node (or finds where
// a join placed it already) and makes it live there, recording from the start when the event
// says auto-record. No healthy node is a retryable failure: one may come up.
func (a *Activities) OpenRoom(ctx context.Context, in OpenRoomInput) error {
	if a.Media == nil {
		return nil
	}
	sess, err := store.SessionByID(ctx, a.DB, in.SessionID)
	if err != nil {
		return err
	}
	ev, err := store.EventByID(ctx, a.DB, sess.EventID)
	if err != nil {
		return err
	}
	room, err := a.Media.Place(ctx, sess.ID)
	if err != nil {
		return fmt.Errorf("place room of %s: %w", sess.ID, err)
	}
	err = room.Control.OpenRoom(ctx, sess.ID, mediactl.OpenRequest{WorkspaceID: sess.WorkspaceID, AutoRecord: ev.Settings.AutoRecord})
	if err != nil {
		return mediaError("open room of "+sess.ID, err)
	}
	a.Log.Info("room opened", "workspace", sess.WorkspaceID, "session", sess.ID, "auto_record", ev.Settings.AutoRecord,
		"node", room.NodeID, "generation", room.Generation)
	return nil
}

// CloseRoomInput names the session that ended, and when.
type CloseRoomInput struct {
	SessionID string
	At        time.Time
}

// CloseRoomResult counts the visits the close ended.
type CloseRoomResult struct {
	AttendanceClosed int
}

// CloseRoom stops the recording, closes the room on its node (a room the node does not know,
// e.g. after a restart, or whose node died or left, is already closed) and ends every visit
// still open at the session's end.
func (a *Activities) CloseRoom(ctx context.Context, in CloseRoomInput) (CloseRoomResult, error) {
	if a.Media != nil {
		if err := a.closeRoomOnItsNode(ctx, in.SessionID); err != nil {
			return CloseRoomResult{}, err
		}
	}
	n, err := store.CloseOpenAttendance(ctx, a.DB, in.SessionID, in.At)
	if err != nil {
		return CloseRoomResult{}, err
	}
	a.Log.Info("room closed", "session", in.SessionID, "attendance_closed", n)
	return CloseRoomResult{AttendanceClosed: n}, nil
}

func (a *Activities) closeRoomOnItsNode(ctx context.Context, sessionID string) error {
	node, err := a.Media.ForRoom(ctx, sessionID)
	if errors.Is(err, mediactl.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := node.StopRecording(ctx, sessionID); err != nil && !errors.Is(err, mediactl.ErrNotFound) && !errors.Is(err, mediactl.ErrConflict) {
		return mediaError("stop recording of "+sessionID, err)
	}
	if err := node.CloseRoom(ctx, sessionID); err != nil && !errors.Is(err, mediactl.ErrNotFound) {
		return mediaError("close room of "+sessionID, err)
	}
	return nil
}

// mediaError marks the media node's refusals (bad request, bad key) non-retryable: asking
// again cannot help. Network errors and 5xx stay retryable.
func mediaError(what string, err error) error {
	if errors.Is(err, mediactl.ErrRefused) {
		return temporal.NewNonRetryableApplicationError(what, "MediaRefused", err)
	}
	return fmt.Errorf("%s: %w", what, err)
}
