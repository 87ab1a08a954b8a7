package webhookevents

import "time"

// Registrant is the data of the registrant.* events.
type Registrant struct {
	ID        string            `json:"id"`
	EventID   string            `json:"event_id"`
	SessionID string            `json:"session_id"`
	Email     string            `json:"email"`
	Name      string            `json:"name"`
	Status    string            `json:"status"`
	Fields    map[string]string `json:"fields"`
	CreatedAt time.Time         `json:"created_at"`
	// Source is where they came from: the utm_* parameters and the referrer.
	UTMSource   string `json:"utm_source,omitempty"`
	UTMMedium   string `json:"utm_medium,omitempty"`
	UTMCampaign string `json:"utm_campaign,omitempty"`
	Referrer    string `json:"referrer,omitempty"`
}

// Session is the data of the session.* events.
type Session struct {
	ID              string     `json:"id"`
	EventID         string     `json:"event_id"`
	Title           string     `json:"title"`
	StartsAt        time.Time  `json:"starts_at"`
	DurationMinutes int        `json:"duration_minutes"`
	Timezone        string     `json:"timezone"`
	Status          string     `json:"status"`
	StartedAt       *time.Time `json:"started_at,omitempty"`
	EndedAt         *time.Time `json:"ended_at,omitempty"`
}

// SessionRescheduledData is session.rescheduled: the session as it is now and
// when it was to start before.
type SessionRescheduledData struct {
	Session
	PreviousStartsAt        time.Time `json:"previous_starts_at"`
	PreviousDurationMinutes int       `json:"previous_duration_minutes"`
}

// Recording is the data of recording.ready and recording.failed.
type Recording struct {
	ID         string `json:"id"`
	SessionID  string `json:"session_id"`
	Status     string `json:"status"`
	Bytes      int64  `json:"bytes"`
	DurationMS int64  `json:"duration_ms"`
	Error      string `json:"error,omitempty"`
}

// Attendance is attendance.summary, one per registrant after a live session.
type Attendance struct {
	SessionID       string `json:"session_id"`
	RegistrantID    string `json:"registrant_id"`
	Email           string `json:"email"`
	Name            string `json:"name"`
	Attended        bool   `json:"attended"`
	SecondsAttended int    `json:"seconds_attended"`
}

// Poll is poll.closed: the question, its options and how many chose each.
type Poll struct {
	ID        string       `json:"id"`
	SessionID string       `json:"session_id"`
	Question  string       `json:"question"`
	Options   []PollOption `json:"options"`
	Votes     int          `json:"votes"`
}

// PollOption is one answer of a closed poll.
type PollOption struct {
	Text  string `json:"text"`
	Votes int    `json:"votes"`
}

// Question is question.asked.
type Question struct {
	ID        string    `json:"id"`
	SessionID string    `json:"session_id"`
	Name      string    `json:"name"`
	Text      string    `json:"text"`
	Private   bool      `json:"private"`
	CreatedAt time.Time `json:"created_at"`
}

// Member is member.joined and member.removed.
type Member struct {
	ID     string `json:"id"`
	UserID string `json:"user_id"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Role   string `json:"role"`
}

// Subscription is subscription.updated: the workspace's plan as it is now.
type Subscription struct {
	Plan              string     `json:"plan"`
	Status            string     `json:"status"`
	Seats             int        `json:"seats"`
	PeriodEnd         *time.Time `json:"period_end,omitempty"`
	CancelAtPeriodEnd bool       `json:"cancel_at_period_end"`
}

// Invoice is invoice.paid and invoice.payment_failed: which invoice, as the
// payment provider names it (GET /v1/billing/invoices/{id} has its amounts).
type Invoice struct {
	ID             string `json:"id"`
	SubscriptionID string `json:"subscription_id"`
	Status         string `json:"status"` // paid or payment_failed
}

// Import is import.finished.
type Import struct {
	ID         string `json:"id"`
	SessionID  string `json:"session_id"`
	Status     string `json:"status"`
	Rows       int    `json:"rows"`
	Imported   int    `json:"imported"`
	Duplicates int    `json:"duplicates"`
	Failed     int    `json:"failed"`
	Failure    string `json:"failure,omitempty"`
}

// TestData is webhook.test.
type TestData struct {
	EndpointID string `json:"endpoint_id"`
	Message    string `json:"message"`
}
