package mail

import (
	"fmt"
	"net/url"
	"time"
)

// KindInvitation is the team invitation e-mail.
const KindInvitation = "invitation"

// Invitation is the data of a team invitation e-mail, and the fields a workspace's own
// invitation template may use ({{.WorkspaceName}}, {{date .ExpiresAt}}, ...).
type Invitation struct {
	WorkspaceName string
	InviterName   string // may be empty
	Role          string
	AcceptURL     string // absolute http(s) link that accepts the invitation
	Token         string // the same secret, for pasting when the link is mangled
	ExpiresAt     time.Time
}

// InvitationMessage composes the invitation to `to`, in lang with the workspace's brand,
// from the workspace's own template when own is set, else from the default (see
// ComposeWithFallback).
func InvitationMessage(to, lang string, brand Brand, inv Invitation, own *Template, onFallback func(error)) (Message, error) {
	if err := inv.validate(); err != nil {
		return Message{}, err
	}
	return ComposeWithFallback(Envelope{Kind: KindInvitation, To: to, Lang: lang, Brand: brand, Data: inv}, own, onFallback)
}

func (inv Invitation) validate() error {
	if inv.WorkspaceName == "" || inv.Role == "" || inv.Token == "" || inv.ExpiresAt.IsZero() {
		return fmt.Errorf("%w: invitation needs workspace name, role, token and expiry", ErrInvalidMessage)
	}
	u, err := url.Parse(inv.AcceptURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%w: invitation accept URL must be an absolute http(s) URL", ErrInvalidMessage)
	}
	return nil
}
