package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"
)

// RoomHistory is what a session's live room had said and shown, read back when the room
// reopens on a media node that lost it (a restart, a crash).
type RoomHistory struct {
	Chat      []ChatMessage // the latest main-room lines not deleted, oldest first
	Questions []*Question   // not deleted, in the order they were asked
	Polls     []Poll        // in the order they were created
	Votes     []PollVote
	Events    []RoomEvent // the room's journal, in order
}

// LoadRoomHistory reads the session's room history, keeping at most recentChat chat lines.
// Ids sort by creation (NewID), also within one clock tick, so "in order" is by id.
func LoadRoomHistory(ctx context.Context, db bun.IDB, sessionID string, recentChat int) (*RoomHistory, error) {
	var h RoomHistory
	err := db.NewSelect().Model(&h.Chat).Where("session_id = ? AND breakout_id = '' AND deleted_at IS NULL", sessionID).
		Order("id DESC").Limit(int64(recentChat)).Scan(ctx)
	if err == nil {
		err = db.NewSelect().Model(&h.Questions).Where("session_id = ? AND deleted_at IS NULL", sessionID).Order("id").Scan(ctx)
	}
	if err == nil {
		err = db.NewSelect().Model(&h.Polls).Where("session_id = ?", sessionID).Order("id").Scan(ctx)
	}
	if err == nil {
		err = db.NewSelect().Model(&h.Votes).Where("session_id = ?", sessionID).Scan(ctx)
	}
	if err == nil {
		err = db.NewSelect().Model(&h.Events).Where("session_id = ?", sessionID).Order("id").Scan(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("room history of %s: %w", sessionID, err)
	}
	slices.Reverse(h.Chat) // read newest first to keep the latest
	return &h, nil
}
