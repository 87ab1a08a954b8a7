package room

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// restore loads what a live room had said and shown from the store, for a room that reopens
// on a join after this node lost it (a restart, a crash): the recent main-room chat, the
// questions, the polls with their votes, the reactions, the on/off switches, the latest call
// to action, the presentation and the deck page on stage. Who was on stage, pending invitations and breakout
// groups are not restored: everyone comes back to the main room, publishing by their role,
// and hosts invite again.
func (r *Room) restore(ctx context.Context, db bun.IDB) error {
	h, err := store.LoadRoomHistory(ctx, db, r.sessionID, recentChatKept)
	if err != nil {
		return fmt.Errorf("restore room %s: %w", r.sessionID, err)
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	ev := &r.ev
	for _, m := range h.Chat {
		ev.chat = append(ev.chat, wire.ChatView{ID: m.ID, Person: m.PersonID, Name: m.Name, Role: m.Role, Text: m.Text, At: formatAt(m.CreatedAt)})
		ev.chatGroup[m.ID] = ""
	}
	ev.questions = h.Questions
	byID := map[string]*roomPoll{}
	for _, p := range h.Polls {
		pl := &roomPoll{id: p.ID, question: p.Question, options: p.Options, status: p.Status, votes: map[string]int{}}
		ev.polls = append(ev.polls, pl)
		byID[p.ID] = pl
	}
	for _, v := range h.Votes {
		if pl := byID[v.PollID]; pl != nil && v.Option >= 0 && v.Option < len(pl.options) {
			pl.votes[v.PersonID] = v.Option
		}
	}
	for _, e := range h.Events {
		ev.replay(e)
	}
	return nil
}

// replay applies one journal entry to the room's state, in journal order.
func (ev *roomEvents) replay(e store.RoomEvent) {
	switch e.Kind {
	case store.RoomEventReactionsEnabled, store.RoomEventReactionsDisabled:
		ev.reactionsOn = e.Kind == store.RoomEventReactionsEnabled
	case store.RoomEventPrivateQuestionsOn, store.RoomEventPrivateQuestionsOff:
		ev.privateQs = e.Kind == store.RoomEventPrivateQuestionsOn
	case store.RoomEventParticipantsHidden, store.RoomEventParticipantsShown:
		ev.hidePeople = e.Kind == store.RoomEventParticipantsHidden
	case store.RoomEventReaction:
		if reactionKinds[e.Data["reaction"]] {
			ev.reactions[e.Data["reaction"]]++
		}
	case store.RoomEventCTA:
		ev.cta = &wire.CTAView{ID: e.ID, Text: e.Data["text"], URL: e.Data["url"], By: e.ActorID}
	case store.RoomEventPresentationStart:
		ev.showing = &wire.PresentationView{URL: e.Data["url"], Person: e.ActorID}
	case store.RoomEventPresentationStop:
		ev.showing = nil
	case store.RoomEventDeckPage, store.RoomEventDeckClose:
		ev.replayDeck(e)
	}
}
