// Package webhookevents is the catalogue of the events onair sends to outbound
// webhook endpoints: their type names, the payload of each (the "data" of the
// Standard Webhooks envelope) as a named Go type the OpenAPI document
// describes, and the signature of a delivery. It imports nothing of onair's, so
// the store (which writes events in the transaction of the change they report),
// the activities that deliver them and the API that documents them share it.
package webhookevents

import (
	"slices"
	"time"
)

// Event types, as endpoints subscribe to them.
const (
	RegistrantCreated   = "registrant.created"
	RegistrantUpdated   = "registrant.updated"
	RegistrantApproved  = "registrant.approved"
	RegistrantCancelled = "registrant.cancelled"

	SessionScheduled   = "session.scheduled"
	SessionRescheduled = "session.rescheduled"
	SessionStarted     = "session.started"
	SessionEnded       = "session.ended"
	SessionCancelled   = "session.cancelled"

	RecordingReady  = "recording.ready"
	RecordingFailed = "recording.failed"

	AttendanceSummary = "attendance.summary"
	PollClosed        = "poll.closed"
	QuestionAsked     = "question.asked"

	MemberJoined  = "member.joined"
	MemberRemoved = "member.removed"

	SubscriptionUpdated  = "subscription.updated"
	InvoicePaid          = "invoice.paid"
	InvoicePaymentFailed = "invoice.payment_failed"

	ImportFinished = "import.finished"

	// Test is sent by POST /v1/webhooks/:id/test to that endpoint only,
	// whatever it subscribes to.
	Test = "webhook.test"

	// All subscribes an endpoint to every event of the catalogue.
	All = "*"
)

// Entry is one event of the catalogue: its type, what it means, and the zero
// value of its payload (whose Go type names the OpenAPI schema).
type Entry struct {
	Type    string
	Summary string
	Data    any
}

// Catalogue is every event an endpoint can subscribe to, in the order the
// documentation lists them.
var Catalogue = []Entry{
	{RegistrantCreated, "Someone registered to a session (on the event page, by the organizer or by an import).", Registrant{}},
	{RegistrantUpdated, "A registrant's status changed otherwise than by approval or cancellation (waitlisted, denied, blocked, promoted).", Registrant{}},
	{RegistrantApproved, "A registrant pending approval was approved.", Registrant{}},
	{RegistrantCancelled, "A registration was cancelled, by the registrant or the organizer.", Registrant{}},
	{SessionScheduled, "A session was added to an event.", Session{}},
	{SessionRescheduled, "A session's start or duration changed.", SessionRescheduledData{}},
	{SessionStarted, "A session went live.", Session{}},
	{SessionEnded, "A live session ended.", Session{}},
	{SessionCancelled, "A session was cancelled.", Session{}},
	{RecordingReady, "A session's recording is processed and can be replayed.", Recording{}},
	{RecordingFailed, "A session's recording could not be processed.", Recording{}},
	{AttendanceSummary, "After a live session, one per registrant: whether and how long they attended.", Attendance{}},
	{PollClosed, "A poll of a live session was closed, with its results.", Poll{}},
	{QuestionAsked, "An attendee asked a question in a live session.", Question{}},
	{MemberJoined, "Someone joined the workspace's team.", Member{}},
	{MemberRemoved, "A member was removed from the workspace's team.", Member{}},
	{SubscriptionUpdated, "The workspace's plan, seats or subscription status changed.", Subscription{}},
	{InvoicePaid, "An invoice of the workspace was paid.", Invoice{}},
	{InvoicePaymentFailed, "The payment of an invoice of the workspace failed.", Invoice{}},
	{ImportFinished, "A CSV import of registrants finished (completed, cancelled or failed).", Import{}},
}

// Types lists the catalogue's event types.
func Types() []string {
	out := make([]string, len(Catalogue))
	for i, e := range Catalogue {
		out[i] = e.Type
	}
	return out
}

// Known reports whether t is an event type of the catalogue.
func Known(t string) bool {
	return slices.ContainsFunc(Catalogue, func(e Entry) bool { return e.Type == t })
}

// Subscribed reports whether an endpoint subscribed to events receives one of
// type t.
func Subscribed(events []string, t string) bool {
	return slices.Contains(events, All) || slices.Contains(events, t)
}

// Envelope is the body of every delivery, in the Standard Webhooks shape.
type Envelope struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      any       `json:"data"`
}
