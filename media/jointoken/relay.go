package jointoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// RelayPath is where a room's origin node accepts the relay WebSocket of an edge node (a room
// spanning nodes): the edge presents a relay token in its first frame.
const RelayPath = "/v1/relay"

// RelayTTL is how long a relay token is valid: the edge signs one per connection.
const RelayTTL = time.Minute

// RelayClaims is what a relay token asserts: the edge node NodeID asks for the session's room.
type RelayClaims struct {
	SessionID   string `json:"sid"`
	WorkspaceID string `json:"wid"`
	NodeID      string `json:"node"`
	ExpiresAt   int64  `json:"exp"`
}

// relayKey signs relay tokens: derived from the media secret, so a join token never passes
// for a relay token nor the other way round.
func relayKey(secret []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("onair media relay v1"))
	return m.Sum(nil)
}

// SignRelay signs a relay token with the media secret every node shares.
func SignRelay(secret []byte, c RelayClaims) (string, error) {
	if len(secret) == 0 {
		return "", errors.New("media: sign relay token: empty secret")
	}
	if c.SessionID == "" || c.NodeID == "" || c.ExpiresAt == 0 {
		return "", fmt.Errorf("sign relay token: %w", ErrTokenMalformed)
	}
	body, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("sign relay token: %w", err)
	}
	payload := tokenEncoding.EncodeToString(body)
	return payload + "." + tokenEncoding.EncodeToString(tokenMAC(relayKey(secret), payload)), nil
}

// VerifyRelay checks a relay token's signature, expiry and session, as Verify does a join
// token's.
func VerifyRelay(secret []byte, token, sessionID string, now time.Time) (RelayClaims, error) {
	payload, mac, ok := strings.Cut(token, ".")
	got, err := tokenEncoding.DecodeString(mac)
	if !ok || err != nil {
		return RelayClaims{}, ErrTokenMalformed
	}
	if len(secret) == 0 || !hmac.Equal(got, tokenMAC(relayKey(secret), payload)) {
		return RelayClaims{}, ErrTokenForged
	}
	body, err := tokenEncoding.DecodeString(payload)
	if err != nil {
		return RelayClaims{}, ErrTokenMalformed
	}
	var c RelayClaims
	if err := json.Unmarshal(body, &c); err != nil || c.SessionID == "" || c.NodeID == "" {
		return RelayClaims{}, ErrTokenMalformed
	}
	if !now.Before(time.Unix(c.ExpiresAt, 0)) {
		return RelayClaims{}, ErrTokenExpired
	}
	if c.SessionID != sessionID {
		return RelayClaims{}, ErrTokenWrongSession
	}
	return c, nil
}
