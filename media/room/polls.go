package room

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

const (
	maxPollRunes   = 500
	maxOptionRunes = 200
	maxPollOptions = 10
)

// roomPoll is a poll with its votes, by person, counted live.
type roomPoll struct {
	id, question string
	options      []string
	status       string
	votes        map[string]int
}

func (pl *roomPoll) view() wire.PollView {
	counts := make([]int, len(pl.options))
	for _, o := range pl.votes {
		counts[o]++
	}
	return wire.PollView{ID: pl.id, Question: pl.question, Options: pl.options, Status: pl.status, Counts: counts}
}

// createPoll stores a draft, shown to staff only until sent.
func (r *Room) createPoll(p *Participant, f wire.Frame) error {
	question, err := cleanText(f.Text, maxPollRunes, "poll question")
	if err != nil {
		return err
	}
	if len(f.Options) < 2 || len(f.Options) > maxPollOptions {
		return fmt.Errorf("%w: a poll has 2 to %d options", ErrBadRequest, maxPollOptions)
	}
	options := make([]string, len(f.Options))
	for i, o := range f.Options {
		if options[i], err = cleanText(o, maxOptionRunes, "poll option"); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.PollCreateSend); err != nil {
		return err
	}
	row := &store.Poll{ID: store.NewID("poll"), WorkspaceID: r.ev.workspaceID, SessionID: r.sessionID,
		Question: question, Options: options, Status: store.PollDraft, CreatedBy: p.id, CreatedAt: r.nowUTC()}
	pl := &roomPoll{id: row.ID, question: question, options: options, status: store.PollDraft, votes: map[string]int{}}
	r.ev.polls = append(r.ev.polls, pl)
	r.persist("poll", func(ctx context.Context, db bun.IDB) error { return store.Insert(ctx, db, row) })
	r.sendPollLocked(pl)
	return nil
}

func (r *Room) sendPoll(p *Participant, f wire.Frame) error {
	return r.movePoll(p, f.ID, store.PollDraft, store.PollSent)
}

func (r *Room) closePoll(p *Participant, f wire.Frame) error {
	return r.movePoll(p, f.ID, store.PollSent, store.PollClosed)
}

func (r *Room) movePoll(p *Participant, id, from, to string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.PollCreateSend); err != nil {
		return err
	}
	pl, err := r.pollLocked(id)
	if err != nil {
		return err
	}
	if pl.status != from {
		return fmt.Errorf("%w: poll %s is %s, not %s", ErrBadRequest, id, pl.status, from)
	}
	pl.status = to
	at := r.nowUTC()
	r.persist("poll "+to, func(ctx context.Context, db bun.IDB) error { return store.SetPollStatus(ctx, db, id, to, at) })
	r.sendPollLocked(pl)
	return nil
}

// answerPoll records p's vote (again: replaces it) and broadcasts the live counts.
func (r *Room) answerPoll(p *Participant, f wire.Frame) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.PollAnswer); err != nil {
		return err
	}
	pl, err := r.pollLocked(f.ID)
	if err != nil {
		return err
	}
	if pl.status != store.PollSent {
		return fmt.Errorf("%w: poll %s is not open for answers", ErrBadRequest, pl.id)
	}
	if f.Option == nil || *f.Option < 0 || *f.Option >= len(pl.options) {
		return fmt.Errorf("%w: option must be 0 to %d", ErrBadRequest, len(pl.options)-1)
	}
	pl.votes[p.id] = *f.Option
	vote := &store.PollVote{ID: store.NewID("vote"), WorkspaceID: r.ev.workspaceID, SessionID: r.sessionID,
		PollID: pl.id, PersonID: p.id, Name: p.name, Option: *f.Option, CreatedAt: r.nowUTC()}
	r.persist("poll vote", func(ctx context.Context, db bun.IDB) error { return store.SavePollVote(ctx, db, vote) })
	r.sendPollLocked(pl)
	return nil
}

func (r *Room) pollLocked(id string) (*roomPoll, error) {
	for _, pl := range r.ev.polls {
		if pl.id == id {
			return pl, nil
		}
	}
	return nil, fmt.Errorf("poll %s: %w", quote(id), ErrNotFound)
}

// sendPollLocked sends a draft to staff, a sent or closed poll to everyone.
func (r *Room) sendPollLocked(pl *roomPoll) {
	view := pl.view()
	r.sendToLocked(roomFrame(wire.FramePoll, wire.RoomFields{Poll: &view}),
		func(q *Participant) bool { return pl.status != store.PollDraft || q.isStaffLocked() })
}
