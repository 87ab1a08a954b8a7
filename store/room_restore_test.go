package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// A room's history on both databases: the latest main-room chat lines oldest first, without
// deleted lines or a breakout group's; questions not deleted; polls, votes and the journal in
// order; nothing of another session.
func TestLoadRoomHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		at := store.Now()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		chat := func(session, breakout, text string, deleted bool) {
			m := &store.ChatMessage{ID: store.NewID("chat"), WorkspaceID: "ws", SessionID: session, BreakoutID: breakout,
				PersonID: "reg", Role: "participant", Text: text, CreatedAt: at}
			if deleted {
				m.DeletedAt, m.DeletedBy = &at, "host"
			}
			must(store.Insert(ctx, db, m))
		}
		for i := range 4 {
			chat("ses", "", fmt.Sprintf("line %d", i), false)
		}
		chat("ses", "brk1", "in a group", false)
		chat("ses", "", "deleted", true)
		chat("ses_other", "", "elsewhere", false)
		for _, text := range []string{"first?", "deleted?", "second?"} {
			q := &store.Question{ID: store.NewID("q"), WorkspaceID: "ws", SessionID: "ses", PersonID: "reg", Text: text, CreatedAt: at}
			if text == "deleted?" {
				q.DeletedAt, q.DeletedBy = &at, "host"
			}
			must(store.Insert(ctx, db, q))
		}
		poll := &store.Poll{ID: store.NewID("poll"), WorkspaceID: "ws", SessionID: "ses", Question: "Tea?",
			Options: []string{"no", "yes"}, Status: store.PollSent, CreatedBy: "host", CreatedAt: at}
		must(store.Insert(ctx, db, poll))
		must(store.Insert(ctx, db, &store.PollVote{ID: store.NewID("vote"), WorkspaceID: "ws", SessionID: "ses", PollID: poll.ID, PersonID: "reg", Option: 1, CreatedAt: at}))
		for _, kind := range []string{store.RoomEventReactionsEnabled, store.RoomEventReactionsDisabled} {
			must(store.Insert(ctx, db, &store.RoomEvent{ID: store.NewID("rev"), WorkspaceID: "ws", SessionID: "ses", Kind: kind, Data: map[string]string{}, CreatedAt: at}))
		}

		h, err := store.LoadRoomHistory(ctx, db, "ses", 3)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, m := range h.Chat {
			lines = append(lines, m.Text)
		}
		if fmt.Sprint(lines) != "[line 1 line 2 line 3]" {
			t.Errorf("chat %v, want the 3 latest main-room lines, oldest first", lines)
		}
		if len(h.Questions) != 2 || h.Questions[0].Text != "first?" || h.Questions[1].Text != "second?" {
			t.Errorf("questions %+v, want the two not deleted, in order", h.Questions)
		}
		if len(h.Polls) != 1 || len(h.Votes) != 1 || h.Votes[0].Option != 1 {
			t.Errorf("polls %+v, votes %+v", h.Polls, h.Votes)
		}
		if len(h.Events) != 2 || h.Events[1].Kind != store.RoomEventReactionsDisabled {
			t.Errorf("journal %+v, want both switches in order", h.Events)
		}
	})
}
