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
	maxQuestionRunes = 1000
	maxAnswerRunes   = 4000
)

func (r *Room) askQuestion(p *Participant, f wire.Frame) error {
	text, err := cleanText(f.Text, maxQuestionRunes, "question")
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.QuestionAsk); err != nil {
		return err
	}
	if !r.allowWriteLocked(p) {
		return ErrRateLimited
	}
	q := &store.Question{ID: store.NewID("q"), WorkspaceID: r.ev.workspaceID, SessionID: r.sessionID,
		PersonID: p.id, Name: p.name, Text: text, Private: r.ev.privateQs, CreatedAt: r.nowUTC()}
	r.ev.questions = append(r.ev.questions, q)
	row := *q // the insert scans defaults back into its row: never the one the room reads
	r.persist("question", func(ctx context.Context, db bun.IDB) error { return store.AskQuestion(ctx, db, &row) })
	r.sendQuestionLocked(q)
	return nil
}

// setPrivateQuestions turns private mode on or off; questions asked while it was on stay
// private after it is turned off (their askers were promised so).
func (r *Room) setPrivateQuestions(p *Participant, f wire.Frame) error {
	return r.setSwitch(p, f, authz.QuestionModerate, &r.ev.privateQs,
		store.RoomEventPrivateQuestionsOn, store.RoomEventPrivateQuestionsOff, func() {
			r.broadcastLocked(roomFrame(wire.FrameQuestionsPrivate, wire.RoomFields{Enabled: boolPtr(r.ev.privateQs)}))
		})
}

func (r *Room) answerQuestion(p *Participant, f wire.Frame) error {
	text, err := cleanText(f.Text, maxAnswerRunes, "answer")
	if err != nil {
		return err
	}
	return r.answer(p, f.ID, authz.QuestionAnswer, func(q *store.Question) { q.Answer = text })
}

// answerQuestionLive marks a question answered aloud; speakers may only while on stage.
func (r *Room) answerQuestionLive(p *Participant, f wire.Frame) error {
	return r.answer(p, f.ID, authz.QuestionAnswerLive, func(q *store.Question) { q.AnsweredLive = true })
}

func (r *Room) answer(p *Participant, id string, a authz.Action, set func(*store.Question)) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, a); err != nil {
		return err
	}
	q, err := r.questionLocked(id)
	if err != nil {
		return err
	}
	set(q)
	at := r.nowUTC()
	q.AnsweredBy, q.AnsweredAt = p.id, &at
	saved := *q
	r.persist("question answer", func(ctx context.Context, db bun.IDB) error { return store.AnswerQuestion(ctx, db, &saved) })
	r.sendQuestionLocked(q)
	return nil
}

func (r *Room) deleteQuestion(p *Participant, f wire.Frame) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.QuestionModerate); err != nil {
		return err
	}
	q, err := r.questionLocked(f.ID)
	if err != nil {
		return err
	}
	for i, x := range r.ev.questions {
		if x == q {
			r.ev.questions = append(r.ev.questions[:i], r.ev.questions[i+1:]...)
			break
		}
	}
	id, by, at := q.ID, p.id, r.nowUTC()
	r.persist("question delete", func(ctx context.Context, db bun.IDB) error { return store.DeleteQuestion(ctx, db, id, by, at) })
	r.sendToLocked(roomFrame(wire.FrameQuestionDeleted, wire.RoomFields{ID: id}),
		func(x *Participant) bool { return r.mayReadQuestionLocked(x, q) })
	return nil
}

func (r *Room) questionLocked(id string) (*store.Question, error) {
	for _, q := range r.ev.questions {
		if q.ID == id {
			return q, nil
		}
	}
	return nil, fmt.Errorf("question %s: %w", quote(id), ErrNotFound)
}

// sendQuestionLocked sends q to everyone who may read it.
func (r *Room) sendQuestionLocked(q *store.Question) {
	view := questionView(q)
	r.sendToLocked(roomFrame(wire.FrameQuestion, wire.RoomFields{Question: &view}),
		func(x *Participant) bool { return r.mayReadQuestionLocked(x, q) })
}

// mayReadQuestionLocked is question.read_private (§4 footnote 5): staff read all; a
// participant reads their own, and others' only when neither the room nor the question is
// private.
func (r *Room) mayReadQuestionLocked(x *Participant, q *store.Question) bool {
	c := x.contextLocked()
	c.PrivateQuestions, c.OwnQuestion = r.ev.privateQs || q.Private, q.PersonID == x.id
	return authz.CanInRoom(c, authz.QuestionReadPrivate).Allowed
}

func questionView(q *store.Question) wire.QuestionView {
	return wire.QuestionView{ID: q.ID, Person: q.PersonID, Name: q.Name, Text: q.Text, Private: q.Private,
		Answer: q.Answer, AnsweredLive: q.AnsweredLive, At: formatAt(q.CreatedAt)}
}
