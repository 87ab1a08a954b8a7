package room_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// storeSession writes a session of id with status into db, in a workspace of its own, its
// event recording automatically when autoRecord.
func storeSession(t *testing.T, db *bun.DB, id, status string, autoRecord bool) *store.Session {
	t.Helper()
	ctx := context.Background()
	ws := store.NewWorkspace("Recovery "+id, "free")
	ev := store.NewEvent(ws.ID, "Talk", "", store.EventSettings{AutoRecord: autoRecord}, "usr_1")
	ses := &store.Session{ID: id, WorkspaceID: ws.ID, EventID: ev.ID, StartsAt: time.Now().UTC(),
		DurationMinutes: 30, Timezone: "UTC", Status: status, Capacity: 10, CreatedAt: store.Now(), UpdatedAt: store.Now()}
	must(t, store.Insert(ctx, db, ws))
	must(t, store.Insert(ctx, db, ev))
	must(t, store.Insert(ctx, db, ses))
	return ses
}

// The media node restarts while an auto-recorded session is live: the room pages are not told
// the session ended, the first join on the fresh node (same store, same recordings volume)
// opens the room live in the session's workspace, recording resumes in the same recording,
// and the finalized WebM holds both stretches.
func TestRestartedNodeReopensLiveRoom(t *testing.T) {
	dir := t.TempDir()
	before := mediatest.StartNodeOn(t, dir, storetest.Postgres(t))
	ses := storeSession(t, before.DB, session, store.SessionLive, true)
	ctx := context.Background()
	must(t, before.MediaCtl().OpenRoom(ctx, session, mediactl.OpenRequest{WorkspaceID: ses.WorkspaceID, AutoRecord: true}))
	host := before.JoinSession(t, ses, "host", authz.SessionHost)
	host.Publish("audio", "video")
	viewer := before.JoinSession(t, ses, "reg_1", authz.SessionParticipant)
	before.WaitRecorded(t, session, 80, 120)

	before.Rooms.CloseAll() // onair media's shutdown
	before.Server.Close()
	viewer.ExpectClosedWithoutBye()
	host.ExpectClosedWithoutBye()

	after := mediatest.StartNodeOn(t, dir, before.DB)
	viewer = after.JoinSession(t, ses, "reg_1", authz.SessionParticipant)
	if live := viewer.Joined.Live; live == nil || !*live {
		t.Fatal("the participant's join after the restart found the room not live")
	}
	if rec := viewer.Joined.Recording; rec == nil || rec.State != mediactl.RecordingActive {
		t.Fatalf("joined frame says recording %+v, want the auto-recording resumed", rec)
	}
	if ids := after.Rooms.IDs(); len(ids) != 1 || ids[0] != session {
		t.Fatalf("rooms after the first join %v, want only %s", ids, session)
	}
	host = after.JoinSession(t, ses, "host", authz.SessionHost)
	host.Publish("audio", "video")
	after.WaitRecorded(t, session, 160, 240) // both lives' packets: the first from the stopped files
	st, err := after.MediaCtl().StopRecording(ctx, session)
	if err != nil || len(st.Tracks) != 4 {
		t.Fatalf("stop: %+v, %v, want the 2 track files of each life in one recording", st, err)
	}
	fin, err := after.MediaCtl().FinalizeRecording(ctx, session)
	must(t, err)
	got := mediatest.ParseWebM(t, fin.File)
	mediatest.AssertWebM(t, got, 0)
	if audio := got.Blocks[got.Tracks["A_OPUS"].TrackNumber]; len(audio) < 160 {
		t.Fatalf("%d audio blocks, want both stretches (≥ 160)", len(audio))
	}

	after.Flush(t, session)
	visits, err := store.SessionAttendance(ctx, after.DB, session)
	must(t, err)
	seen := map[string]int{}
	for _, v := range visits {
		if v.WorkspaceID != ses.WorkspaceID {
			t.Errorf("visit %s in workspace %q, want the session's %s", v.ID, v.WorkspaceID, ses.WorkspaceID)
		}
		seen[v.PersonID]++
	}
	if seen["reg_1"] != 2 || seen["host"] != 2 {
		t.Fatalf("visits by person %v, want one per life each", seen)
	}
	// The viewer leaves first, so the host's leaving at cleanup sends no offer to a closing peer.
	_ = viewer.WS.CloseNow()
	mediatest.WaitFor(t, "the viewer gone", func() bool { return len(after.Room(t, session).Participants()) == 1 })
}

// Joins racing to a live session whose room this node does not have land in one room, which
// records once.
func TestRacingJoinsOpenOneRoom(t *testing.T) {
	n := mediatest.StartNode(t)
	ses := storeSession(t, n.DB, session, store.SessionLive, true)
	peers := make([]*mediatest.Client, 8)
	joins := make([]wire.Frame, len(peers))
	for i := range peers {
		person := fmt.Sprintf("reg_%d", i)
		peers[i] = n.Dial(t, person)
		c := n.Claims(session, person, authz.SessionParticipant)
		c.WorkspaceID = ses.WorkspaceID
		joins[i] = wire.Frame{Type: wire.FrameJoin, Session: session, Token: n.TokenFor(t, c)}
	}
	var wg sync.WaitGroup
	for i, p := range peers {
		wg.Add(1)
		go func() { defer wg.Done(); p.Send(joins[i]) }()
	}
	wg.Wait()
	for _, p := range peers {
		p.Expect(wire.FrameJoined)
	}
	if ids := n.Rooms.IDs(); len(ids) != 1 {
		t.Fatalf("rooms %v, want one", ids)
	}
	if got := len(n.Room(t, session).Participants()); got != len(peers) {
		t.Fatalf("%d people in the room, want all %d who joined", got, len(peers))
	}
	if st := n.Recording(t, session); st.State != mediactl.RecordingActive {
		t.Fatalf("recording %s, want the event's auto-record", st.State)
	}
}

// A session the store says is over is never reopened by a join, nor is a live one this node
// has just closed (the join read "live" before the session's end was written); the control
// API's open, the workflow's word, still opens it.
func TestJoinsDoNotReopenClosedRooms(t *testing.T) {
	n := mediatest.StartNode(t)
	for _, status := range []string{store.SessionEnded, store.SessionProcessingFailed, store.SessionProcessed, store.SessionCancelled} {
		ses := storeSession(t, n.DB, "ses_"+status, status, false)
		for _, role := range []authz.SessionRole{authz.SessionParticipant, authz.SessionHost} {
			n.ExpectJoinRefused(t, n.SendJoin(t, ses, string(role), role), wire.CodeRoomClosed, ses.ID)
		}
	}

	ses := storeSession(t, n.DB, session, store.SessionLive, false)
	viewer := n.JoinSession(t, ses, "reg_1", authz.SessionParticipant)
	must(t, n.Rooms.Close(session)) // the post-live close-room step
	if f := viewer.Expect(wire.FrameBye); f.Code != wire.CodeRoomClosed {
		t.Fatalf("bye %+v, want room_closed", f)
	}
	n.ExpectJoinRefused(t, n.SendJoin(t, ses, "reg_2", authz.SessionParticipant), wire.CodeRoomClosed, session)
	n.ExpectJoinRefused(t, n.SendJoin(t, ses, "host", authz.SessionHost), wire.CodeRoomClosed, session)
	n.Rooms.Open(session)
	n.JoinSession(t, ses, "reg_2", authz.SessionParticipant)
}

// Before the start the store keeps participants waiting and lets staff into the green room,
// which does not record yet even when the event auto-records.
func TestScheduledSessionOpensOnlyTheGreenRoom(t *testing.T) {
	n := mediatest.StartNode(t)
	for _, status := range []string{store.SessionScheduled, store.SessionOpen} {
		ses := storeSession(t, n.DB, "ses_"+status, status, true)
		n.ExpectJoinRefused(t, n.SendJoin(t, ses, "reg_1", authz.SessionParticipant), wire.CodeRoomNotLive, ses.ID)
		host := n.JoinSession(t, ses, "host", authz.SessionHost)
		if live := host.Joined.Live; live == nil || *live {
			t.Fatalf("%s: the host's green room is live", status)
		}
		if st, err := n.Recordings.Status(ses.ID); err != nil || st.State != mediactl.RecordingIdle {
			t.Fatalf("%s: recording %+v, %v before the start", status, st, err)
		}
	}
}

// Only a token of the session's own workspace opens or enters its room: one signed for another
// workspace but naming this session, a forged one, or one for another session are refused, and
// none of them leaves a room, a visit or a recording behind.
func TestTokenOfAnotherWorkspaceOpensNothing(t *testing.T) {
	n := mediatest.StartNode(t)
	theirs := storeSession(t, n.DB, session, store.SessionLive, true)
	ours := storeSession(t, n.DB, "ses_ours", store.SessionLive, false)
	mismatched := n.Claims(theirs.ID, "reg_1", authz.SessionParticipant)
	mismatched.WorkspaceID = ours.WorkspaceID
	mismatchedHost := n.Claims(theirs.ID, "host", authz.SessionHost)
	mismatchedHost.WorkspaceID = ours.WorkspaceID
	forged := n.Claims(theirs.ID, "reg_1", authz.SessionParticipant)
	forged.WorkspaceID = theirs.WorkspaceID
	forgedToken, err := jointoken.Sign([]byte("not the media secret"), forged)
	must(t, err)
	ourToken := n.Claims(ours.ID, "reg_1", authz.SessionParticipant)
	ourToken.WorkspaceID = ours.WorkspaceID
	cases := []struct{ name, token, code string }{
		{"another workspace's participant", n.TokenFor(t, mismatched), wire.CodeTokenInvalid},
		{"another workspace's host", n.TokenFor(t, mismatchedHost), wire.CodeTokenInvalid},
		{"forged", forgedToken, wire.CodeTokenInvalid},
		{"another session's token", n.TokenFor(t, ourToken), wire.CodeWrongSession},
	}
	try := func() {
		t.Helper()
		for _, tc := range cases {
			p := n.Dial(t, tc.name)
			p.Send(wire.Frame{Type: wire.FrameJoin, Session: theirs.ID, Token: tc.token})
			p.ExpectError(tc.code)
			p.ExpectClosed()
		}
	}
	try()
	if ids := n.Rooms.IDs(); len(ids) != 0 {
		t.Fatalf("refused joins opened rooms %v", ids)
	}
	if st, err := n.Recordings.Status(theirs.ID); err != nil || st.State != mediactl.RecordingIdle {
		t.Fatalf("refused joins started a recording: %+v, %v", st, err)
	}

	n.JoinSession(t, theirs, "reg_2", authz.SessionParticipant)
	try() // the room is live now: still no way in
	n.Flush(t, theirs.ID)
	visits, err := store.SessionAttendance(context.Background(), n.DB, theirs.ID)
	must(t, err)
	if len(visits) != 1 || visits[0].PersonID != "reg_2" || visits[0].WorkspaceID != theirs.WorkspaceID {
		t.Fatalf("visits %+v, want only reg_2's, in the session's workspace", visits)
	}
}
