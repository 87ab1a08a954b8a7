package room_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// While the store is stuck (its room tables locked by another transaction), chat keeps
// flowing, people keep joining and media keeps being forwarded; once the store is free
// everything accepted meanwhile is written.
func TestStuckStoreNeverStallsTheRoom(t *testing.T) {
	n := mediatest.StartNode(t)
	host, viewer := n.LiveHostAndViewer(t, session)

	ctx := context.Background()
	tx, err := n.DB.BeginTx(ctx, nil)
	must(t, err)
	defer func() { _ = tx.Rollback() }()
	_, err = tx.ExecContext(ctx, "LOCK TABLE chat_messages, attendance IN ACCESS EXCLUSIVE MODE")
	must(t, err)

	for i := range 5 {
		host.SendRoom(wire.FrameChatSend, wire.RoomFields{Text: fmt.Sprintf("while stuck %d", i)})
		viewer.ExpectChat(fmt.Sprintf("while stuck %d", i))
	}
	late := n.Join(t, session, "late", authz.SessionParticipant)
	before := late.Received("host", "video")
	mediatest.WaitFor(t, "the newcomer receiving while the store is stuck", func() bool { return late.Received("host", "video") >= before+20 })

	must(t, tx.Rollback())
	n.Flush(t, session)
	if got := n.Count(t, (*store.ChatMessage)(nil), session, ""); got != 5 {
		t.Errorf("%d chat rows after the store came back, want 5", got)
	}
	if got := n.Count(t, (*store.Attendance)(nil), session, ""); got != 3 {
		t.Errorf("%d attendance rows after the store came back, want 3", got)
	}
}
