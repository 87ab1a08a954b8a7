package room_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// storeDeck puts a deck of pages (stand-in images) for session in db.
func storeDeck(t *testing.T, db bun.IDB, session string, pages int) *store.Deck {
	t.Helper()
	images := make([][]byte, pages)
	for i := range images {
		images[i] = []byte{byte(i)}
	}
	d := &store.Deck{ID: store.NewID("dck"), WorkspaceID: mediatest.TestWorkspace, SessionID: session, Name: "Slides.pdf",
		CreatedBy: "usr_1", CreatedAt: store.Now()}
	must(t, store.InsertDeck(context.Background(), db, d, "image/jpeg", images))
	return d
}

// Who may open, page and close a deck, over the real WebSocket: hosts, moderators and
// speakers (§4 stage.control_media, stage.remove_presentation); a participant's frames are
// refused naming the action and change nothing anyone sees. A page out of range, another
// session's deck and paging with no deck open are refused too; every page shown is a room
// event, and a late joiner sees the current page.
func TestDeckFramesFollowRights(t *testing.T) {
	n := mediatest.StartNode(t)
	for _, a := range roomActors {
		if a.onStage {
			continue // being on stage changes neither right (authz's table, checked below)
		}
		t.Run(a.name, func(t *testing.T) {
			ses := "ses_deck_" + string(a.role)
			d := storeDeck(t, n.DB, ses, 4)
			other := storeDeck(t, n.DB, ses+"_other", 2)
			n.Rooms.Open(ses)
			boss := n.Join(t, ses, "boss", authz.SessionHost)
			actor := n.Join(t, ses, "actor", a.role)
			watcher := n.Join(t, ses, "watcher", authz.SessionParticipant)
			control := a.role != authz.SessionParticipant
			for _, onStage := range []bool{false, true} {
				c := authz.CanInRoom(authz.RoomContext{Role: a.role, OnStage: onStage}, authz.StageControlMedia).Allowed
				r := authz.CanInRoom(authz.RoomContext{Role: a.role, OnStage: onStage}, authz.StageRemovePresentation).Allowed
				if c != control || r != control {
					t.Fatalf("authz (on stage %v): control %v, remove %v; want both %v", onStage, c, r, control)
				}
			}

			actor.SendRoom(wire.FrameDeckList, wire.RoomFields{})
			if control {
				if list := actor.Expect(wire.FrameDecks).Decks; len(list) != 1 || list[0].ID != d.ID || list[0].Pages != 4 {
					t.Fatalf("deck.list answered %+v, want the session's one deck", list)
				}
			} else {
				actor.ExpectDenied(authz.StageControlMedia)
			}

			actor.SendRoom(wire.FrameDeckOpen, wire.RoomFields{ID: d.ID})
			if !control {
				actor.ExpectDenied(authz.StageControlMedia)
				boss.SendRoom(wire.FrameDeckOpen, wire.RoomFields{ID: d.ID})
			}
			if v := watcher.Expect(wire.FrameDeck).Deck; v == nil || v.ID != d.ID || v.Page != 1 || v.Pages != 4 {
				t.Fatalf("deck shown %+v, want page 1 of 4 of %s", v, d.ID)
			}

			actor.SendRoom(wire.FrameDeckPage, wire.RoomFields{Page: 3})
			if !control {
				actor.ExpectDenied(authz.StageControlMedia)
				actor.SendRoom(wire.FrameDeckClose, wire.RoomFields{})
				actor.ExpectDenied(authz.StageRemovePresentation)
				watcher.Sync()
				if got := n.Room(t, ses).DeckShown(); got == nil || got.Page != 1 {
					t.Fatalf("after a participant's refused frames the deck is %+v, want page 1", got)
				}
				return
			}
			if v := watcher.Expect(wire.FrameDeck).Deck; v == nil || v.Page != 3 || v.Person != "actor" {
				t.Fatalf("deck after deck.page %+v, want page 3 shown by the actor", v)
			}
			actor.SendRoom(wire.FrameDeckPage, wire.RoomFields{Page: 5})
			actor.ExpectError(wire.CodeBadRequest)
			actor.SendRoom(wire.FrameDeckOpen, wire.RoomFields{ID: other.ID})
			actor.ExpectError(wire.CodeNotFound)

			late := n.Join(t, ses, "late", authz.SessionParticipant)
			if v := late.Joined.Deck; v == nil || v.ID != d.ID || v.Page != 3 {
				t.Fatalf("a late joiner sees %+v, want page 3", v)
			}
			actor.SendRoom(wire.FrameDeckClose, wire.RoomFields{})
			if v := watcher.Expect(wire.FrameDeck).Deck; v != nil {
				t.Fatalf("deck after deck.close %+v, want none", v)
			}
			actor.SendRoom(wire.FrameDeckPage, wire.RoomFields{Page: 2})
			actor.ExpectError(wire.CodeNotFound)

			n.Flush(t, ses)
			timeline, err := store.DeckTimeline(context.Background(), n.DB, ses)
			must(t, err)
			if len(timeline) != 3 || timeline[0].Page != 1 || timeline[1].Page != 3 || timeline[1].DeckID != d.ID || timeline[2].DeckID != "" {
				t.Fatalf("deck timeline %+v, want pages 1, 3 and the close", timeline)
			}
		})
	}
}

// The media node restarts while a deck is on stage: the reopened room shows the same page.
func TestDeckPageRestoredAfterRestart(t *testing.T) {
	dir := t.TempDir()
	before := mediatest.StartNodeOn(t, dir, storetest.Postgres(t))
	ses := storeSession(t, before.DB, "ses_deck_restart", store.SessionLive, false)
	d := storeDeck(t, before.DB, ses.ID, 5)
	must(t, before.MediaCtl().OpenRoom(context.Background(), ses.ID, mediactl.OpenRequest{WorkspaceID: ses.WorkspaceID}))
	host := before.JoinSession(t, ses, "host", authz.SessionHost)
	host.SendRoom(wire.FrameDeckOpen, wire.RoomFields{ID: d.ID, Page: 2})
	host.Expect(wire.FrameDeck)
	host.SendRoom(wire.FrameDeckPage, wire.RoomFields{Page: 4})
	host.Expect(wire.FrameDeck)
	before.Flush(t, ses.ID)
	before.Rooms.CloseAll()
	before.Server.Close()
	host.ExpectClosedWithoutBye()

	after := mediatest.StartNodeOn(t, dir, before.DB)
	got := after.JoinSession(t, ses, "reg_1", authz.SessionParticipant).Joined.Deck
	if got == nil || got.ID != d.ID || got.Page != 4 || got.Pages != 5 || got.Name != "Slides.pdf" || got.Person != "host" {
		t.Fatalf("deck after the restart %+v, want page 4 of 5 shown by the host", got)
	}
}
