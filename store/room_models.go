package store

import (
	"time"

	"github.com/uptrace/bun"
)

// Room data: what happens in a live session, written by the media service as it happens and
// read back by exports and the post-live chain. Every row carries its workspace and session so
// a session's room content is erased in one sweep (retention, event or workspace deletion).

// Attendance kinds: watching live, or watching the replay afterwards.
const (
	AttendanceLive   = "live"
	AttendanceReplay = "replay"
)

// Attendance is one visit of one person to a session's room (or replay): a reconnect is a new
// row. PersonID is a registrant id for participants, a membership id for hosts and moderators,
// a session_staff id for external speakers. LeftAt stays nil while the person is in the room;
// Seconds is set when they leave (or when the room closes for them).
type Attendance struct {
	bun.BaseModel `bun:"table:attendance"`

	ID          string     `bun:",pk" json:"id"`
	WorkspaceID string     `bun:",notnull" json:"-"`
	SessionID   string     `bun:",notnull" json:"session_id"`
	PersonID    string     `bun:",notnull" json:"person_id"`
	Role        string     `bun:",notnull" json:"role"` // session role: host, moderator, speaker, participant
	Name        string     `bun:",notnull,default:''" json:"name"`
	Kind        string     `bun:",notnull" json:"kind"`
	JoinedAt    time.Time  `bun:",notnull" json:"joined_at"`
	LeftAt      *time.Time `bun:",nullzero" json:"left_at,omitempty"`
	Seconds     int        `bun:",notnull,default:0" json:"seconds"`
}

// ChatMessage is one public chat line; moderation deletes it softly so exports can tell.
type ChatMessage struct {
	bun.BaseModel `bun:"table:chat_messages"`

	ID          string     `bun:",pk" json:"id"`
	WorkspaceID string     `bun:",notnull" json:"-"`
	SessionID   string     `bun:",notnull" json:"session_id"`
	BreakoutID  string     `bun:",notnull,default:''" json:"breakout_id,omitempty"` // "" is the main room
	PersonID    string     `bun:",notnull" json:"person_id"`
	Name        string     `bun:",notnull,default:''" json:"name"`
	Role        string     `bun:",notnull" json:"role"`
	Text        string     `bun:",notnull" json:"text"`
	DeletedAt   *time.Time `bun:",nullzero" json:"deleted_at,omitempty"`
	DeletedBy   string     `bun:",notnull,default:''" json:"deleted_by,omitempty"`
	CreatedAt   time.Time  `bun:",notnull" json:"created_at"`
}

// Question is one Q&A entry. Private is whether it was asked while private questions were on
// (the asker alone, and staff, see it). AnsweredLive marks an answer given aloud on stage.
type Question struct {
	bun.BaseModel `bun:"table:questions"`

	ID           string     `bun:",pk" json:"id"`
	WorkspaceID  string     `bun:",notnull" json:"-"`
	SessionID    string     `bun:",notnull" json:"session_id"`
	PersonID     string     `bun:",notnull" json:"person_id"`
	Name         string     `bun:",notnull,default:''" json:"name"`
	Text         string     `bun:",notnull" json:"text"`
	Private      bool       `bun:",notnull,default:false" json:"private"`
	Answer       string     `bun:",notnull,default:''" json:"answer,omitempty"`
	AnsweredBy   string     `bun:",notnull,default:''" json:"answered_by,omitempty"`
	AnsweredAt   *time.Time `bun:",nullzero" json:"answered_at,omitempty"`
	AnsweredLive bool       `bun:",notnull,default:false" json:"answered_live"`
	DeletedAt    *time.Time `bun:",nullzero" json:"deleted_at,omitempty"`
	DeletedBy    string     `bun:",notnull,default:''" json:"deleted_by,omitempty"`
	CreatedAt    time.Time  `bun:",notnull" json:"created_at"`
}

// Poll statuses: drafted by staff, sent to the room (answers open), closed.
const (
	PollDraft  = "draft"
	PollSent   = "sent"
	PollClosed = "closed"
)

// Poll is one question with its options (indexes into Options are what votes record).
type Poll struct {
	bun.BaseModel `bun:"table:polls"`

	ID          string     `bun:",pk" json:"id"`
	WorkspaceID string     `bun:",notnull" json:"-"`
	SessionID   string     `bun:",notnull" json:"session_id"`
	Question    string     `bun:",notnull" json:"question"`
	Options     []string   `bun:",notnull" json:"options"`
	Status      string     `bun:",notnull" json:"status"`
	CreatedBy   string     `bun:",notnull" json:"created_by"`
	CreatedAt   time.Time  `bun:",notnull" json:"created_at"`
	SentAt      *time.Time `bun:",nullzero" json:"sent_at,omitempty"`
	ClosedAt    *time.Time `bun:",nullzero" json:"closed_at,omitempty"`
}

// PollVote is one person's answer to one poll; answering again replaces it.
type PollVote struct {
	bun.BaseModel `bun:"table:poll_votes"`

	ID          string    `bun:",pk" json:"id"`
	WorkspaceID string    `bun:",notnull" json:"-"`
	SessionID   string    `bun:",notnull" json:"session_id"`
	PollID      string    `bun:",notnull,unique:poll_person" json:"poll_id"`
	PersonID    string    `bun:",notnull,unique:poll_person" json:"person_id"`
	Name        string    `bun:",notnull,default:''" json:"name"`
	Option      int       `bun:",notnull" json:"option"`
	CreatedAt   time.Time `bun:",notnull" json:"created_at"`
}

// RoomEvent is the journal of the room's other actions, for exports and the audit of a live:
// reactions toggled, CTAs sent, blocks and kicks, stage moves, presentations, breakouts.
// Data holds the action's details (e.g. {"url": …} for a CTA).
type RoomEvent struct {
	bun.BaseModel `bun:"table:room_events"`

	ID          string            `bun:",pk" json:"id"`
	WorkspaceID string            `bun:",notnull" json:"-"`
	SessionID   string            `bun:",notnull" json:"session_id"`
	Kind        string            `bun:",notnull" json:"kind"`
	ActorID     string            `bun:",notnull,default:''" json:"actor_id,omitempty"`
	TargetID    string            `bun:",notnull,default:''" json:"target_id,omitempty"`
	Data        map[string]string `bun:",notnull" json:"data"`
	CreatedAt   time.Time         `bun:",notnull" json:"created_at"`
}

// Recording statuses: being written, stopped and waiting for the post-live chain, muxed and
// playable, or given up on (hosts told).
const (
	RecordingRecording        = "recording"
	RecordingStopped          = "stopped"
	RecordingReady            = "ready"
	RecordingProcessingFailed = "processing_failed"
)

// Recording is one session's recording: the WebM the post-live chain produced from the raw
// per-track files the media node wrote while live.
type Recording struct {
	bun.BaseModel `bun:"table:recordings"`

	ID          string     `bun:",pk" json:"id"`
	WorkspaceID string     `bun:",notnull" json:"-"`
	SessionID   string     `bun:",notnull,unique" json:"session_id"`
	Status      string     `bun:",notnull" json:"status"`
	File        string     `bun:",notnull,default:''" json:"-"` // path on the media node's recordings volume
	Bytes       int64      `bun:",notnull,default:0" json:"bytes"`
	DurationMS  int64      `bun:"duration_ms,notnull,default:0" json:"duration_ms"`
	Error       string     `bun:",notnull,default:''" json:"error,omitempty"`
	StartedAt   *time.Time `bun:",nullzero" json:"started_at,omitempty"`
	ReadyAt     *time.Time `bun:",nullzero" json:"ready_at,omitempty"`
	CreatedAt   time.Time  `bun:",notnull" json:"created_at"`
	UpdatedAt   time.Time  `bun:",notnull" json:"updated_at"`
}

// RoomTables are the tables of room data, erased together with a session's content.
func RoomTables() []any {
	return []any{(*Attendance)(nil), (*ChatMessage)(nil), (*Question)(nil), (*Poll)(nil), (*PollVote)(nil),
		(*RoomEvent)(nil), (*Recording)(nil), (*Deck)(nil), (*DeckPage)(nil)}
}
