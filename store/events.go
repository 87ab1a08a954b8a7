package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// Event is a webinar with settings shared by its sessions; PublishedAt set
// means its public registration page is open.
type Event struct {
	bun.BaseModel `bun:"table:events"`

	ID          string `bun:",pk" json:"id"`
	WorkspaceID string `bun:",notnull" json:"-"`
	Title       string `bun:",notnull" json:"title"`
	Description string `bun:",notnull,default:''" json:"description"`
	Slug        string `bun:",notnull,unique" json:"slug"`
	// Language is what the event's pages and e-mails are written in; empty follows the
	// workspace's (locale.Choose).
	Language    string        `bun:",notnull,default:''" json:"language"`
	Settings    EventSettings `bun:",notnull" json:"settings"`
	PublishedAt *time.Time    `bun:",nullzero" json:"published_at,omitempty"`
	CreatedBy   string        `bun:",notnull" json:"created_by"`
	CreatedAt   time.Time     `bun:",notnull" json:"created_at"`
	UpdatedAt   time.Time     `bun:",notnull" json:"updated_at"`
}

// EventSettings decide how people register and what the sessions' workflows do.
type EventSettings struct {
	// Approval holds self-registrations as pending until an organizer approves them.
	Approval bool `json:"approval"`
	// Capacity bounds approved registrants per session; 0 means the plan's
	// live-attendee ceiling, which also bounds any larger value.
	Capacity int `json:"capacity"`
	// Waitlist lets people queue when a session is full; a freed seat promotes the first.
	Waitlist bool `json:"waitlist"`
	// ReminderOffsetsMinutes override the workspace's default reminders when set.
	ReminderOffsetsMinutes []int `json:"reminder_offsets_minutes,omitempty"`
	// GreenRoomMinutes overrides the workspace's green room opening when set.
	GreenRoomMinutes *int `json:"green_room_minutes,omitempty"`
	// AutoStart goes live at the scheduled start without a host.
	AutoStart bool `json:"auto_start"`
	// AutoRecord starts recording as soon as a session goes live.
	AutoRecord bool `json:"auto_record"`
	// CustomFields are the workspace custom attribute keys asked at registration.
	CustomFields []string `json:"custom_fields,omitempty"`
}

// Session statuses, in lifecycle order (cancelled can follow scheduled or open).
const (
	SessionScheduled = "scheduled"
	SessionOpen      = "open" // green room open for staff
	SessionLive      = "live"
	SessionEnded     = "ended"
	SessionProcessed = "processed"
	// SessionProcessingFailed: a post-live step (recording, exports, follow-ups) failed for
	// good; hosts were told and may re-run it (POST /v1/sessions/:id/post-live/retry).
	SessionProcessingFailed = "processing_failed"
	SessionCancelled        = "cancelled"
)

// Session is one occurrence of an event; its SessionLifecycle workflow owns
// status changes, the API only reads them.
type Session struct {
	bun.BaseModel `bun:"table:sessions"`

	ID              string     `bun:",pk" json:"id"`
	WorkspaceID     string     `bun:",notnull" json:"-"`
	EventID         string     `bun:",notnull" json:"event_id"`
	StartsAt        time.Time  `bun:",notnull" json:"starts_at"`
	DurationMinutes int        `bun:",notnull" json:"duration_minutes"`
	Timezone        string     `bun:",notnull" json:"timezone"`
	Status          string     `bun:",notnull" json:"status"`
	Capacity        int        `bun:",notnull" json:"capacity"`
	SeatsTaken      int        `bun:",notnull,default:0" json:"seats_taken"`
	Sequence        int        `bun:",notnull,default:0" json:"sequence"` // iCalendar SEQUENCE, bumped on reschedule
	StartedAt       *time.Time `bun:",nullzero" json:"started_at,omitempty"`
	EndedAt         *time.Time `bun:",nullzero" json:"ended_at,omitempty"`
	CreatedAt       time.Time  `bun:",notnull" json:"created_at"`
	UpdatedAt       time.Time  `bun:",notnull" json:"updated_at"`
}

// Closed reports whether the session takes no more registrations or changes.
func (s *Session) Closed() bool { return slices.Contains(closedStatuses, s.Status) }

// closedStatuses are the statuses of a session that takes no more registrations.
var closedStatuses = []string{SessionEnded, SessionProcessed, SessionProcessingFailed, SessionCancelled}

// Staff roles of a session.
const (
	StaffHost      = "host"
	StaffModerator = "moderator"
	StaffSpeaker   = "speaker" // external, no account: joins with a personal link
)

// SessionStaff is a team member (host, moderator) or external speaker of one session.
type SessionStaff struct {
	bun.BaseModel `bun:"table:session_staff"`

	ID          string    `bun:",pk" json:"id"`
	WorkspaceID string    `bun:",notnull" json:"-"`
	SessionID   string    `bun:",notnull,unique:staff_email" json:"session_id"`
	MemberID    string    `bun:",notnull,default:''" json:"member_id,omitempty"`
	Email       string    `bun:",notnull,unique:staff_email" json:"email"`
	Name        string    `bun:",notnull,default:''" json:"name"`
	Role        string    `bun:",notnull" json:"role"`
	CreatedAt   time.Time `bun:",notnull" json:"created_at"`
	// A speaker's personal join link is derived from the id and LinkVersion
	// (links.go); LegacyLinkHash is the hash of a link e-mailed by an earlier build.
	LinkVersion    int    `bun:",notnull,default:0" json:"-"`
	LegacyLinkHash string `bun:",nullzero" json:"-"`
}

// Registrant statuses.
const (
	RegistrantPending    = "pending"
	RegistrantApproved   = "approved"
	RegistrantWaitlisted = "waitlisted"
	RegistrantDenied     = "denied"
	RegistrantCancelled  = "cancelled"
	RegistrantBlocked    = "blocked"
)

// Registrant is one person registered to one session; no account, personal
// join and cancel links instead, derived from the id and LinkVersion (links.go).
type Registrant struct {
	bun.BaseModel `bun:"table:registrants"`

	ID          string            `bun:",pk" json:"id"`
	WorkspaceID string            `bun:",notnull" json:"-"`
	EventID     string            `bun:",notnull" json:"event_id"`
	SessionID   string            `bun:",notnull,unique:registrant_email" json:"session_id"`
	Email       string            `bun:",notnull,unique:registrant_email" json:"email"`
	PersonID    string            `bun:",notnull" json:"person_id"`
	Name        string            `bun:",notnull,default:''" json:"name"`
	Fields      map[string]string `bun:",notnull" json:"fields"`
	Status      string            `bun:",notnull" json:"status"`
	ImportID    string            `bun:",nullzero" json:"import_id,omitempty"` // the CSV import that registered them
	CreatedAt   time.Time         `bun:",notnull" json:"created_at"`
	UpdatedAt   time.Time         `bun:",notnull" json:"updated_at"`
	// LinkVersion is bumped to void the links; LegacyLinkHash is the hash of
	// the link an earlier build e-mailed (its secret was stored in clear).
	LinkVersion    int    `bun:",notnull,default:0" json:"-"`
	LegacyLinkHash string `bun:",nullzero" json:"-"`
	// Source is where they came from (utm_* parameters, the referring site).
	Source
	// ConsentedAt is when they accepted the workspace's consent text on the registration
	// form; nil when none was asked.
	ConsentedAt *time.Time `bun:",nullzero" json:"consented_at,omitempty"`
}

// Delivery is one e-mail of one kind to one recipient (registrant or speaker)
// of one session. The unique key makes every send exactly-once: a sender
// claims the row before sending and marks it sent after. Pending rows are the
// relay's queue (confirmations, promotions); batch senders claim theirs with
// Pending false.
type Delivery struct {
	bun.BaseModel `bun:"table:deliveries"`

	ID          string     `bun:",pk" json:"id"`
	WorkspaceID string     `bun:",notnull" json:"-"`
	SessionID   string     `bun:",notnull,unique:delivery_key" json:"session_id"`
	RecipientID string     `bun:",notnull,unique:delivery_key" json:"recipient_id"`
	Kind        string     `bun:",notnull,unique:delivery_key" json:"kind"`
	Pending     bool       `bun:",notnull,default:false" json:"pending"`
	SentAt      *time.Time `bun:",nullzero" json:"sent_at,omitempty"`
	CreatedAt   time.Time  `bun:",notnull" json:"created_at"`
	// SMTPReply is the mail server's answer to the message ("250 2.0.0 Ok: queued as 4F2"),
	// or its refusal; empty for a sender that gives none (the .eml files of onair dev).
	SMTPReply string `bun:"smtp_reply,notnull,default:''" json:"smtp_reply,omitempty"`
	// Failure says why a delivery done (SentAt set) sent nothing: a refusal for good, an
	// address that unsubscribed, a recipient gone. Empty when the e-mail left.
	Failure string `bun:",notnull,default:''" json:"failure,omitempty"`
}

// NewEvent fills a new, unpublished event with a unique public slug.
func NewEvent(workspaceID, title, description string, settings EventSettings, createdBy string) *Event {
	t := Now()
	return &Event{
		ID: NewID("evt"), WorkspaceID: workspaceID, Title: title, Description: description,
		Slug: slugify(title) + "-" + NewSecret(4), Settings: settings, CreatedBy: createdBy, CreatedAt: t, UpdatedAt: t,
	}
}

// DeleteEvent erases an event with its sessions and everything attached to them.
func DeleteEvent(ctx context.Context, db bun.IDB, ws, id string) error {
	return InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
		sessions := tx.NewSelect().Model((*Session)(nil)).Column("id").Where("event_id = ?", id).Where("workspace_id = ?", ws)
		models := append(RoomTables(), (*Delivery)(nil), (*Registrant)(nil), (*SessionStaff)(nil), (*RegistrantImport)(nil), (*InvitationBatch)(nil))
		for _, model := range models {
			if _, err := tx.NewDelete().Model(model).Where("session_id IN (?)", sessions).Exec(ctx); err != nil {
				return fmt.Errorf("delete %T of event %s: %w", model, id, err)
			}
		}
		if _, err := tx.NewDelete().Model((*Session)(nil)).Where("event_id = ?", id).Where("workspace_id = ?", ws).Exec(ctx); err != nil {
			return fmt.Errorf("delete sessions of event %s: %w", id, err)
		}
		return Delete[Event](ctx, tx, ws, id)
	})
}

// Import statuses: running until every row is handled (completed), the
// organizer stops it (cancelled), or it cannot go on (failed, with the reason).
const (
	ImportRunning   = "running"
	ImportCompleted = "completed"
	ImportCancelled = "cancelled"
	ImportFailed    = "failed"
)

// RegistrantImport is one bulk registration from a CSV file: the file itself
// (so a crashed import resumes from the store), its progress and the rows it refused.
type RegistrantImport struct {
	bun.BaseModel `bun:"table:registrant_imports"`

	ID          string        `bun:",pk" json:"id"`
	WorkspaceID string        `bun:",notnull" json:"-"`
	SessionID   string        `bun:",notnull" json:"session_id"`
	Status      string        `bun:",notnull" json:"status"`
	CSV         string        `bun:"csv,notnull" json:"-"`
	Rows        int           `bun:",notnull" json:"rows"`
	Processed   int           `bun:",notnull,default:0" json:"processed"`
	Imported    int           `bun:",notnull,default:0" json:"imported"`
	Duplicates  int           `bun:",notnull,default:0" json:"duplicates"` // already registered, or twice in the file
	Failed      int           `bun:",notnull,default:0" json:"failed"`
	Errors      []ImportError `bun:",notnull" json:"errors"`
	Failure     string        `bun:",nullzero" json:"failure,omitempty"` // why a failed import stopped
	CreatedBy   string        `bun:",notnull" json:"created_by"`
	CreatedAt   time.Time     `bun:",notnull" json:"created_at"`
	UpdatedAt   time.Time     `bun:",notnull" json:"updated_at"`
}

// ImportError is one refused or duplicate CSV row, by the line it starts on
// (1-based, the header is line 1).
type ImportError struct {
	Row   int    `json:"row"`
	Error string `json:"error"`
}

// InvitationBatch is one "invite to participate" mailing: a list of addresses
// asked to register to a session, sent in chunks by the Invitations workflow.
type InvitationBatch struct {
	bun.BaseModel `bun:"table:invitation_batches"`

	ID          string    `bun:",pk" json:"id"`
	WorkspaceID string    `bun:",notnull" json:"-"`
	SessionID   string    `bun:",notnull" json:"session_id"`
	Emails      []string  `bun:",notnull" json:"-"`
	Total       int       `bun:",notnull" json:"total"`
	Processed   int       `bun:",notnull,default:0" json:"processed"`
	Status      string    `bun:",notnull" json:"status"` // running, done
	CreatedBy   string    `bun:",notnull" json:"created_by"`
	CreatedAt   time.Time `bun:",notnull" json:"created_at"`
	UpdatedAt   time.Time `bun:",notnull" json:"updated_at"`
}

// EventByID loads an event whatever its workspace, for workers.
func EventByID(ctx context.Context, db bun.IDB, id string) (*Event, error) {
	e := new(Event)
	err := db.NewSelect().Model(e).Where("id = ?", id).Scan(ctx)
	return e, notFound("get event "+id, err)
}
