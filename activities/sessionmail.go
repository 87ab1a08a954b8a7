package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"go.temporal.io/sdk/temporal"

	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
)

// recipient is who one session e-mail goes to: a registrant or a speaker. Their personal
// links are derived from ID and LinkVersion when the e-mail is composed.
type recipient struct {
	ID, Email, Name, Status string
	LinkVersion             int
}

func registrantRecipient(r *store.Registrant) recipient {
	return recipient{ID: r.ID, Email: r.Email, Name: r.Name, Status: r.Status, LinkVersion: r.LinkVersion}
}

func speakerRecipient(s *store.SessionStaff) recipient {
	return recipient{ID: s.ID, Email: s.Email, Name: s.Name, Status: store.RegistrantApproved, LinkVersion: s.LinkVersion}
}

// sessionMailer composes the e-mails of one session, with its workspace's
// templates looked up once.
type sessionMailer struct {
	a    *Activities
	ws   *store.Workspace
	ev   *store.Event
	sess *store.Session

	// marks records each delivery sent as soon as its e-mail was accepted.
	marks *sentMarks

	// lang is the language its e-mails are written in: the event's, else the workspace's.
	lang  string
	brand mail.Brand
	// from is the From header (the sender's address under the workspace's name; empty:
	// the sender's default) and organizer the address calendar invitations name.
	from, organizer string

	mu        sync.Mutex
	templates map[string]*store.EmailTemplate
	// replay is whether the session has a playable recording (follow-ups link to it).
	replay bool
}

func (a *Activities) sessionMailer(ctx context.Context, sessionID string, marks *sentMarks) (*sessionMailer, error) {
	sess, ev, err := store.SessionAndEvent(ctx, a.DB, sessionID)
	if err != nil {
		return nil, err
	}
	ws, err := store.GetWorkspace(ctx, a.DB, sess.WorkspaceID)
	if err != nil {
		return nil, err
	}
	rec, err := store.RecordingOf(ctx, a.DB, sessionID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	replay := err == nil && rec.Status == store.RecordingReady
	m := &sessionMailer{a: a, ws: ws, ev: ev, sess: sess, marks: marks, templates: map[string]*store.EmailTemplate{}, replay: replay,
		lang: locale.Choose("", ev.Language, ws.Language), brand: a.workspaceBrand(ws)}
	if m.from, m.organizer, err = a.sender(ws); err != nil {
		return nil, err
	}
	return m, nil
}

// workspaceBrand is the header of ws's e-mails: its name, logo and colour.
func (a *Activities) workspaceBrand(ws *store.Workspace) mail.Brand {
	return mail.WorkspaceBrand(a.linkBase(), ws.Name, ws.Slug, len(ws.Logo) > 0, ws.Settings.BrandColor)
}

// sender is the From of ws's e-mails and the address its calendar invitations name as
// organizer. Without a configured sender the sender's default goes out, and invitations
// name the public host's noreply address (RFC 5546 wants an ORGANIZER in every request).
func (a *Activities) sender(ws *store.Workspace) (from, organizer string, err error) {
	if a.MailFrom == "" {
		host := strings.TrimPrefix(strings.TrimPrefix(a.linkBase(), "https://"), "http://")
		host, _, _ = strings.Cut(host, ":")
		return "", "noreply@" + host, nil
	}
	from, organizer, err = mail.OnBehalfOf(a.MailFrom, ws.Name)
	if err != nil {
		return "", "", temporal.NewNonRetryableApplicationError(err.Error(), "BadMailFrom", err)
	}
	return from, organizer, nil
}

// ownTemplate is the workspace's own template of kind, or nil when it has none (the
// default is then used).
func (m *sessionMailer) ownTemplate(ctx context.Context, kind string) (*store.EmailTemplate, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.templates[kind]; ok {
		return t, nil
	}
	own, err := store.TemplateFor(ctx, m.a.DB, m.ws.ID, m.lang, mail.StoredKinds(kind))
	switch {
	case errors.Is(err, store.ErrNotFound):
		own = nil
	case err != nil:
		return nil, err
	}
	m.templates[kind] = own
	return own, nil
}

// sessionMail is what one session e-mail says beyond its recipient: its kind and, for the
// kinds that use them, the reminder offset, the follow-up audience and the failed step.
// The fan-out, the delivery relay and session invitations each fill it their own way.
type sessionMail struct {
	Kind            string
	ReminderMinutes int
	FollowUp        string
	FailedStep      string
}

// compose renders sm for r, with the calendar invite its kind calls for; deliveryID
// becomes its Message-ID, so every copy of one delivery reads as one e-mail.
func (m *sessionMailer) compose(ctx context.Context, sm sessionMail, r recipient, deliveryID string) (mail.Message, error) {
	kind, reminderMinutes := sm.Kind, sm.ReminderMinutes
	own, err := m.ownTemplate(ctx, kind)
	if err != nil {
		return mail.Message{}, err
	}
	base := m.a.linkBase()
	data := mail.SessionMail{
		WorkspaceName: m.ws.Name, EventTitle: m.ev.Title, Name: r.Name, StartsAt: m.sess.StartsAt,
		Timezone: m.sess.Timezone, DurationMinutes: m.sess.DurationMinutes, Status: r.Status,
	}
	if kind == mail.KindSessionInvitation {
		data.JoinURL = base + "/e/" + m.ev.Slug // the public registration page: no personal links yet
	} else {
		data.JoinURL = base + "/join/" + m.a.Links.Secret(store.LinkJoin, r.ID, r.LinkVersion)
		data.CancelURL = base + "/cancel/" + m.a.Links.Secret(store.LinkCancel, r.ID, r.LinkVersion)
	}
	if reminderMinutes > 0 {
		data.Reminder = locale.For(m.lang).In(reminderMinutes)
	}
	if sm.FollowUp != "" && m.replay {
		data.ReplayURL = base + "/replay/" + m.a.Links.Secret(store.LinkJoin, r.ID, r.LinkVersion)
	}
	if sm.FailedStep != "" {
		data.FailedStep = sm.FailedStep
		data.RetryCall = "POST /v1/sessions/" + m.sess.ID + "/post-live/retry"
	}
	if err := data.Localize(); err != nil {
		return mail.Message{}, err
	}
	env := mail.Envelope{Kind: kind, To: r.Email, Lang: m.lang, Brand: m.brand, Data: data}
	if mail.Unsubscribable(kind) {
		env.UnsubscribeURL = base + "/unsubscribe/" + m.a.Links.UnsubscribeSecret(m.ws.ID, r.Email)
	}
	msg, err := mail.ComposeWithFallback(env, own.MailTemplate(), func(err error) {
		m.a.Log.Warn("e-mail template failed, sent the default", "workspace", m.ws.ID, "template", own.ID,
			"kind", kind, "delivery", deliveryID, "err", err)
	})
	if err != nil {
		return mail.Message{}, err
	}
	if invite, ok := mail.SessionInvite(kind, m.lang, data); ok {
		invite.UID, invite.Sequence, invite.Attendee = m.sess.ID+"@onair", m.sess.Sequence, r.Email
		invite.Organizer, invite.OrganizerName = m.organizer, m.ws.Name
		if err := msg.AddCalendar(invite); err != nil {
			return mail.Message{}, err
		}
	}
	msg.From = m.from
	msg.Headers["X-Onair-Session"] = m.sess.ID
	msg.ID = deliveryID
	return msg, nil
}

// send composes and sends the e-mail of one delivery and returns its outcome: the mail
// server's answer, or the refusal. A permanent refusal (bad address, rejected recipient)
// is logged and counts as done so it never blocks the queue.
func (m *sessionMailer) send(ctx context.Context, sm sessionMail, r recipient, deliveryID string) (store.DeliveryOutcome, error) {
	kind := sm.Kind
	done := store.DeliveryOutcome{ID: deliveryID}
	msg, err := m.compose(ctx, sm, r, deliveryID)
	if err == nil {
		done.SMTPReply, err = mail.Deliver(ctx, m.a.Mail, msg)
	}
	if errors.Is(err, mail.ErrRejected) || errors.Is(err, mail.ErrInvalidAddress) || errors.Is(err, mail.ErrInvalidMessage) || errors.Is(err, mail.ErrTemplate) {
		m.a.Log.Warn("session e-mail refused for good", "workspace", m.ws.ID, "session", m.sess.ID, "kind", kind, "recipient", r.ID, "delivery", deliveryID, "err", err)
		done.SMTPReply, done.Failure = mail.RefusalReply(err), err.Error()
		return done, nil
	}
	if err != nil {
		return done, fmt.Errorf("send %s to %s: %w", kind, r.ID, err)
	}
	return done, nil
}

// deliver sends the e-mail of a claimed delivery and marks the delivery sent right after
// the server accepted it, with the server's answer (a refusal for good is marked too: it
// must not block the queue). An address that unsubscribed from the workspace gets no
// reminder, invitation or follow-up: the delivery is marked done without a send.
func (m *sessionMailer) deliver(ctx context.Context, sm sessionMail, r recipient, deliveryID string) error {
	if mail.Unsubscribable(sm.Kind) {
		stopped, err := store.Unsubscribed(ctx, m.a.DB, m.ws.ID, r.Email, sm.Kind)
		if err != nil {
			return err
		}
		if stopped {
			m.a.Log.Info("session e-mail not sent: the address unsubscribed", "workspace", m.ws.ID, "session", m.sess.ID,
				"kind", sm.Kind, "recipient", r.ID, "delivery", deliveryID)
			return m.marks.mark(store.DeliveryOutcome{ID: deliveryID, Failure: "not sent: the address unsubscribed from " + sm.Kind + " e-mails"})
		}
	}
	done, err := m.send(ctx, sm, r, deliveryID)
	if err != nil {
		return err
	}
	return m.marks.mark(done)
}

// linkBase is PublicURL without a trailing slash, or the local default.
func (a *Activities) linkBase() string {
	if a.PublicURL == "" {
		return "http://localhost:8080"
	}
	return strings.TrimRight(a.PublicURL, "/")
}

// parallel runs fn over items with up to n at a time and returns the first error.
func parallel[T any](n int, items []T, fn func(T) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		slots = make(chan struct{}, n)
	)
	for _, it := range items {
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			if err := fn(it); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}
