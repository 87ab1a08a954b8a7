// Package mail owns how onair sends e-mail: the Message model, the senders that deliver it
// (SMTP in production, .eml files under `onair dev`), address validation, and the templates
// of onair's transactional e-mails (team invitations, session e-mails, sign-up verification,
// billing notices). Every kind is listed once in kinds.go; a kind's default template is one
// subject and one body under templates/ whose words come from the locale catalogues (mail.*),
// rendered as plain text and as HTML in the workspace's brand (layout.go), in the recipient's
// language. SampleMessages renders every kind with sample data, for tests that follow links.
//
// Senders validate a message completely before any I/O, so a bad address or header is
// reported as ErrInvalidAddress or ErrInvalidMessage and never half-sent.
package mail

import (
	"context"
	"errors"
)

// Sender delivers one message. Implementations are safe for concurrent use. Send returns nil
// as soon as the message is delivered (an SMTP server's 250, a file in place), so a caller
// that records the send right after leaves the shortest time in which a crash sends it twice.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ReplySender is a Sender that also reports the server's answer to each message it
// delivers ("250 2.0.0 Ok: queued as 4F2"), which onair keeps in the delivery record.
type ReplySender interface {
	Sender
	SendWithReply(ctx context.Context, m Message) (reply string, err error)
}

// Deliver sends m through s and returns the server's answer when s reports one (an
// SMTP server's), else "". A refusal's answer is in the error: see RefusalReply.
func Deliver(ctx context.Context, s Sender, m Message) (string, error) {
	if rs, ok := s.(ReplySender); ok {
		return rs.SendWithReply(ctx, m)
	}
	return "", s.Send(ctx, m)
}

// ErrRejected marks a permanent (5xx) refusal by the SMTP server, such as an unknown
// recipient: retrying the same message will not help, so callers should not.
var ErrRejected = errors.New("mail: rejected by server")

// New picks the sender for a process: SMTP when smtpURL is set, otherwise .eml files
// under dir. from is the default sender for messages that do not set one.
func New(smtpURL, dir, from string) (Sender, error) {
	if smtpURL != "" {
		return NewSMTPSender(smtpURL, from)
	}
	return NewFileSender(dir, from)
}
