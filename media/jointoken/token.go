// Package jointoken is the short-lived signed ticket into a live room: the API
// issues it, the media service verifies it. It is a leaf package so the API
// issues tokens without importing the media service (Pion).
package jointoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onairhq/onair/authz"
)

// Join-token refusals. Each is a distinct sentinel so the signaling layer can tell the browser
// why it was turned away (an expired link asks for a fresh token; a forged one does not).
var (
	ErrTokenMalformed    = errors.New("jointoken: join token malformed")
	ErrTokenForged       = errors.New("jointoken: join token signature invalid")
	ErrTokenExpired      = errors.New("jointoken: join token expired")
	ErrTokenWrongSession = errors.New("jointoken: join token is for another session")
)

// TTL is how long an issued join token stays valid: long enough to open the room page,
// short enough that a leaked token is soon useless. Reconnects ask the API for a new one.
const TTL = 10 * time.Minute

// Claims is what a join token asserts. Field names are short because the token travels in URLs.
type Claims struct {
	SessionID   string            `json:"sid"`
	WorkspaceID string            `json:"wid"`
	PersonID    string            `json:"pid"` // registrant, membership or session_staff (speaker) id
	Role        authz.SessionRole `json:"role"`
	Name        string            `json:"name"`
	MediaURL    string            `json:"url"`
	// MaxAttendees is the workspace plan's live-attendee cap (0: none): the room turns away
	// participants beyond it. Staff are never counted nor refused.
	MaxAttendees int   `json:"cap,omitempty"`
	ExpiresAt    int64 `json:"exp"` // unix seconds
	// IssuedAt (unix seconds) lets the media node tell a token issued before a live role
	// change from one issued after it; without it, Issued assumes TTL before expiry.
	IssuedAt int64 `json:"iat,omitempty"`
	// Page is what the room page shows about the session; nil for a token that says nothing.
	Page *Page `json:"page,omitempty"`
}

// Page is what the room page shows about its session before and after joining: the event's
// title, the start and the workspace's brand. It rides in the token because the page knows
// nothing but its fragment; it is display only, never a right. Short names: URLs carry it.
type Page struct {
	Title    string `json:"t,omitempty"`
	StartsAt int64  `json:"at,omitempty"` // unix seconds
	Timezone string `json:"tz,omitempty"` // the session's IANA zone
	// When is the start in the session's zone, written in the room link's language.
	When         string `json:"when,omitempty"`
	Organization string `json:"org,omitempty"`   // the workspace's name
	BrandColor   string `json:"color,omitempty"` // "#rrggbb"
	LogoURL      string `json:"logo,omitempty"`  // empty when the workspace has no logo
}

// SignalPath is where the media service accepts the signaling WebSocket that
// presents the token.
const SignalPath = "/v1/signal"

// Expiry is ExpiresAt as a time.
func (c Claims) Expiry() time.Time { return time.Unix(c.ExpiresAt, 0).UTC() }

// Issued is when the token was signed: IssuedAt, or for a token without it, TTL before expiry.
func (c Claims) Issued() time.Time {
	if c.IssuedAt != 0 {
		return time.Unix(c.IssuedAt, 0).UTC()
	}
	return c.Expiry().Add(-TTL)
}

func (c Claims) validate() error {
	switch {
	case c.SessionID == "":
		return fmt.Errorf("%w: no session", ErrTokenMalformed)
	case c.PersonID == "":
		return fmt.Errorf("%w: no person", ErrTokenMalformed)
	case c.ExpiresAt == 0:
		return fmt.Errorf("%w: no expiry", ErrTokenMalformed)
	}
	switch c.Role {
	case authz.SessionHost, authz.SessionModerator, authz.SessionSpeaker, authz.SessionParticipant:
		return nil
	}
	return fmt.Errorf("%w: unknown role %q", ErrTokenMalformed, c.Role)
}

var tokenEncoding = base64.RawURLEncoding

// Sign returns "<claims>.<mac>", both base64url, the MAC being HMAC-SHA256 over the encoded claims.
func Sign(secret []byte, c Claims) (string, error) {
	if len(secret) == 0 {
		return "", errors.New("media: sign join token: empty secret")
	}
	if err := c.validate(); err != nil {
		return "", fmt.Errorf("sign join token: %w", err)
	}
	body, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("sign join token: %w", err)
	}
	payload := tokenEncoding.EncodeToString(body)
	return payload + "." + tokenEncoding.EncodeToString(tokenMAC(secret, payload)), nil
}

// Verify checks the signature first (nothing in a forged token is trusted, not even its
// expiry), then the expiry against now, then that the token was issued for sessionID.
func Verify(secret []byte, token, sessionID string, now time.Time) (Claims, error) {
	payload, mac, ok := strings.Cut(token, ".")
	if !ok || payload == "" || mac == "" {
		return Claims{}, ErrTokenMalformed
	}
	got, err := tokenEncoding.DecodeString(mac)
	if err != nil {
		return Claims{}, ErrTokenMalformed
	}
	if len(secret) == 0 || !hmac.Equal(got, tokenMAC(secret, payload)) {
		return Claims{}, ErrTokenForged
	}
	body, err := tokenEncoding.DecodeString(payload)
	if err != nil {
		return Claims{}, ErrTokenMalformed
	}
	var c Claims
	if err := json.Unmarshal(body, &c); err != nil {
		return Claims{}, fmt.Errorf("%w: %v", ErrTokenMalformed, err)
	}
	if err := c.validate(); err != nil {
		return Claims{}, err
	}
	if !now.Before(c.Expiry()) {
		return Claims{}, ErrTokenExpired
	}
	if c.SessionID != sessionID {
		return Claims{}, ErrTokenWrongSession
	}
	return c, nil
}

func tokenMAC(secret []byte, payload string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(payload))
	return m.Sum(nil)
}
