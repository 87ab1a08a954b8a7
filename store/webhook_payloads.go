package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/webhookevents"
)

// The payloads of the webhook catalogue, built from the rows the store holds.

func registrantPayload(r *Registrant) webhookevents.Registrant {
	return webhookevents.Registrant{ID: r.ID, EventID: r.EventID, SessionID: r.SessionID, Email: r.Email, Name: r.Name,
		Status: r.Status, Fields: r.Fields, CreatedAt: r.CreatedAt, UTMSource: r.UTMSource, UTMMedium: r.UTMMedium,
		UTMCampaign: r.UTMCampaign, Referrer: r.Referrer}
}

// emitRegistrant reports a registrant as it now is.
func emitRegistrant(ctx context.Context, tx bun.IDB, typ string, r *Registrant) error {
	return EmitWebhookEvent(ctx, tx, r.WorkspaceID, typ, registrantPayload(r))
}

// statusEvent is the event a registrant's move from one status to another reports.
func statusEvent(was, now string) string {
	switch {
	case now == RegistrantCancelled:
		return webhookevents.RegistrantCancelled
	case now == RegistrantApproved && was == RegistrantPending:
		return webhookevents.RegistrantApproved
	}
	return webhookevents.RegistrantUpdated
}

// SessionPayload is the session.* data of a session (the title is its event's).
func SessionPayload(ctx context.Context, db bun.IDB, s *Session) (webhookevents.Session, error) {
	var title string
	err := db.NewSelect().Model((*Event)(nil)).Column("title").Where("id = ?", s.EventID).Limit(1).Scan(ctx, &title)
	if err != nil {
		return webhookevents.Session{}, notFound("event "+s.EventID, err)
	}
	return webhookevents.Session{ID: s.ID, EventID: s.EventID, Title: title, StartsAt: s.StartsAt,
		DurationMinutes: s.DurationMinutes, Timezone: s.Timezone, Status: s.Status, StartedAt: s.StartedAt, EndedAt: s.EndedAt}, nil
}

// EmitSessionEvent reports a session (read in tx, as the change left it).
func EmitSessionEvent(ctx context.Context, tx bun.IDB, typ, sessionID string) error {
	s, err := SessionByID(ctx, tx, sessionID)
	if err != nil {
		return err
	}
	p, err := SessionPayload(ctx, tx, s)
	if err != nil {
		return err
	}
	return EmitWebhookEvent(ctx, tx, s.WorkspaceID, typ, p)
}

// sessionStatusEvents are the session statuses a webhook event reports.
var sessionStatusEvents = map[string]string{
	SessionLive:      webhookevents.SessionStarted,
	SessionEnded:     webhookevents.SessionEnded,
	SessionCancelled: webhookevents.SessionCancelled,
}

func recordingPayload(r *Recording) webhookevents.Recording {
	return webhookevents.Recording{ID: r.ID, SessionID: r.SessionID, Status: r.Status, Bytes: r.Bytes,
		DurationMS: r.DurationMS, Error: r.Error}
}

func importPayload(i *RegistrantImport) webhookevents.Import {
	return webhookevents.Import{ID: i.ID, SessionID: i.SessionID, Status: i.Status, Rows: i.Rows, Imported: i.Imported,
		Duplicates: i.Duplicates, Failed: i.Failed, Failure: i.Failure}
}

// emitImportFinished reports an import that just ended, read as it was left.
func emitImportFinished(ctx context.Context, tx bun.IDB, id string) error {
	imp, err := ImportByID(ctx, tx, id)
	if err != nil {
		return err
	}
	return EmitWebhookEvent(ctx, tx, imp.WorkspaceID, webhookevents.ImportFinished, importPayload(imp))
}

// emitMember reports a member of the team, with the e-mail of their account.
func emitMember(ctx context.Context, tx bun.IDB, typ string, m *Membership) error {
	u := m.User
	if u == nil {
		u = new(User)
		if err := tx.NewSelect().Model(u).Where("id = ?", m.UserID).Limit(1).Scan(ctx); err != nil {
			return notFound("user "+m.UserID, err)
		}
	}
	return EmitWebhookEvent(ctx, tx, m.WorkspaceID, typ, webhookevents.Member{ID: m.ID, UserID: m.UserID,
		Email: u.Email, Name: m.Name, Role: m.Role})
}

// emitPollClosed reports a poll's results.
func emitPollClosed(ctx context.Context, tx bun.IDB, id string) error {
	p := new(Poll)
	if err := tx.NewSelect().Model(p).Where("id = ?", id).Limit(1).Scan(ctx); err != nil {
		return notFound("poll "+id, err)
	}
	var votes []PollVote
	if err := tx.NewSelect().Model(&votes).Column("option").Where("poll_id = ?", id).Scan(ctx); err != nil {
		return fmt.Errorf("votes of %s: %w", id, err)
	}
	out := webhookevents.Poll{ID: p.ID, SessionID: p.SessionID, Question: p.Question, Votes: len(votes),
		Options: make([]webhookevents.PollOption, len(p.Options))}
	for i, text := range p.Options {
		out.Options[i].Text = text
	}
	for _, v := range votes {
		if v.Option >= 0 && v.Option < len(out.Options) {
			out.Options[v.Option].Votes++
		}
	}
	return EmitWebhookEvent(ctx, tx, p.WorkspaceID, webhookevents.PollClosed, out)
}

// AskQuestion records a question from the room with its question.asked event.
func AskQuestion(ctx context.Context, db bun.IDB, q *Question) error {
	return InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		if err := Insert(ctx, tx, q); err != nil {
			return err
		}
		return EmitWebhookEvent(ctx, tx, q.WorkspaceID, webhookevents.QuestionAsked, webhookevents.Question{ID: q.ID,
			SessionID: q.SessionID, Name: q.Name, Text: q.Text, Private: q.Private, CreatedAt: q.CreatedAt})
	})
}

// ScheduleSession inserts a new session with its session.scheduled event.
func ScheduleSession(ctx context.Context, db bun.IDB, s *Session) error {
	return InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		if err := Insert(ctx, tx, s); err != nil {
			return err
		}
		return EmitSessionEvent(ctx, tx, webhookevents.SessionScheduled, s.ID)
	})
}

// UnscheduleSession deletes a session whose workflow could not start, with
// the session.scheduled event nobody received yet.
func UnscheduleSession(ctx context.Context, db bun.IDB, ws, id string) error {
	return InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		events := tx.NewSelect().Model((*WebhookEvent)(nil)).Column("id").Where("workspace_id = ?", ws).
			Where("type = ?", webhookevents.SessionScheduled).Where("data LIKE ?", `%"id":"`+id+`"%`)
		if _, err := tx.NewDelete().Model((*WebhookDelivery)(nil)).Where("event_id IN (?)", events).
			Where("status = ?", WebhookPending).Exec(ctx); err != nil {
			return fmt.Errorf("withdraw session.scheduled of %s: %w", id, err)
		}
		return Delete[Session](ctx, tx, ws, id)
	})
}
