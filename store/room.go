package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Room event kinds journaled in RoomEvent by the media service.
const (
	RoomEventReactionsEnabled    = "reactions.enabled"
	RoomEventReactionsDisabled   = "reactions.disabled"
	RoomEventReaction            = "reaction"
	RoomEventCTA                 = "cta"
	RoomEventBlock               = "participant.block"
	RoomEventUnblock             = "participant.unblock"
	RoomEventKick                = "participant.kick"
	RoomEventParticipantsHidden  = "participants.hidden"
	RoomEventParticipantsShown   = "participants.shown"
	RoomEventPrivateQuestionsOn  = "questions.private_on"
	RoomEventPrivateQuestionsOff = "questions.private_off"
	RoomEventPresentationStart   = "presentation.start"
	RoomEventPresentationStop    = "presentation.stop"
	RoomEventBreakoutStart       = "breakout.start"
	RoomEventBreakoutMove        = "breakout.move"
	RoomEventBreakoutEnd         = "breakout.end"
	RoomEventBreakoutVisit       = "breakout.visit"
)

// EndAttendance closes a visit: when the person left and how many seconds they stayed.
func EndAttendance(ctx context.Context, db bun.IDB, id string, leftAt time.Time, seconds int) error {
	res, err := db.NewUpdate().Model((*Attendance)(nil)).
		Set("left_at = ?", leftAt).Set("seconds = ?", seconds).
		Where("id = ?", id).Where("left_at IS NULL").Exec(ctx)
	return affected("end attendance "+id, res, err)
}

// SessionAttendance lists a session's visits, oldest first.
func SessionAttendance(ctx context.Context, db bun.IDB, sessionID string) ([]Attendance, error) {
	var rows []Attendance
	err := db.NewSelect().Model(&rows).Where("session_id = ?", sessionID).OrderExpr("id ASC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("attendance of %s: %w", sessionID, err)
	}
	return rows, nil
}

// DeleteChatMessage marks a chat line deleted by a moderator (kept for exports).
func DeleteChatMessage(ctx context.Context, db bun.IDB, id, by string, at time.Time) error {
	res, err := db.NewUpdate().Model((*ChatMessage)(nil)).
		Set("deleted_at = ?", at).Set("deleted_by = ?", by).Where("id = ?", id).Exec(ctx)
	return affected("delete chat message "+id, res, err)
}

// AnswerQuestion records an answer (text, or given aloud on stage when live).
func AnswerQuestion(ctx context.Context, db bun.IDB, q *Question) error {
	return Update(ctx, db, q, "answer", "answered_by", "answered_at", "answered_live")
}

// DeleteQuestion marks a question deleted by a moderator (kept for exports).
func DeleteQuestion(ctx context.Context, db bun.IDB, id, by string, at time.Time) error {
	res, err := db.NewUpdate().Model((*Question)(nil)).
		Set("deleted_at = ?", at).Set("deleted_by = ?", by).Where("id = ?", id).Exec(ctx)
	return affected("delete question "+id, res, err)
}

// SetPollStatus moves a poll to sent or closed, stamping when.
func SetPollStatus(ctx context.Context, db bun.IDB, id, status string, at time.Time) error {
	return InTx(ctx, db, func(ctx context.Context, db bun.IDB) error {
		if err := setPollStatus(ctx, db, id, status, at); err != nil || status != PollClosed {
			return err
		}
		return emitPollClosed(ctx, db, id)
	})
}

func setPollStatus(ctx context.Context, db bun.IDB, id, status string, at time.Time) error {
	q := db.NewUpdate().Model((*Poll)(nil)).Set("status = ?", status).Where("id = ?", id)
	switch status {
	case PollSent:
		q = q.Set("sent_at = ?", at)
	case PollClosed:
		q = q.Set("closed_at = ?", at)
	}
	res, err := q.Exec(ctx)
	return affected("set poll "+id+" "+status, res, err)
}

// SavePollVote records a person's answer; answering again replaces the option (one vote per
// person and poll, held by the unique key).
func SavePollVote(ctx context.Context, db bun.IDB, v *PollVote) error {
	_, err := db.NewInsert().Model(v).
		On("CONFLICT (poll_id, person_id) DO UPDATE").
		Set("option = EXCLUDED.option").Set("created_at = EXCLUDED.created_at").Exec(ctx)
	if err != nil {
		return fmt.Errorf("save vote of %s on %s: %w", v.PersonID, v.PollID, err)
	}
	return nil
}

// BlockedInRoom reports whether the person's latest block or unblock in the session's room was
// a block: blocked people cannot rejoin, even with a fresh join token.
func BlockedInRoom(ctx context.Context, db bun.IDB, sessionID, personID string) (bool, error) {
	var ev RoomEvent
	err := db.NewSelect().Model(&ev).
		Where("session_id = ?", sessionID).Where("target_id = ?", personID).
		Where("kind IN (?)", bun.In([]string{RoomEventBlock, RoomEventUnblock})).
		OrderExpr("id DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("block state of %s: %w", personID, err)
	}
	return ev.Kind == RoomEventBlock, nil
}
