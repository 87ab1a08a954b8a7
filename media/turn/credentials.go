// Package turn owns the media node's TURN relay: the credentials minted for each join (the
// TURN REST API scheme, which coturn's use-auth-secret checks too) and the embedded server
// (pion/turn) on UDP and on TLS over TCP, for browsers whose network lets only HTTPS out.
package turn

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // the TURN REST API scheme is HMAC-SHA1; coturn checks the same
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultCredentialTTL is how long minted credentials last: a TURN client authenticates
// every refresh of its allocation with them, so they outlast the longest webinar; a reconnect
// mints fresh ones.
const DefaultCredentialTTL = 12 * time.Hour

// Errors of a username that is not "<expiry unix>:<user>" or whose expiry passed.
var (
	ErrMalformedUsername = errors.New("turn: username is not <expiry>:<user>")
	ErrExpired           = errors.New("turn: credentials expired")
)

// Credentials mints time-limited TURN credentials: the username is "<expiry unix>:<user>",
// the password base64(HMAC-SHA1(secret, username)), so any TURN server that knows the secret
// checks them without a lookup.
type Credentials struct {
	// URLs are the turn: and turns: URLs browsers relay through.
	URLs []string
	// Secret is shared with the TURN server (coturn's static-auth-secret).
	Secret []byte
	// TTL is how long minted credentials last; zero means DefaultCredentialTTL.
	TTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Mint returns credentials for user (a person id), valid for the TTL from now.
func (c Credentials) Mint(user string) (username, password string) {
	ttl := c.TTL
	if ttl <= 0 {
		ttl = DefaultCredentialTTL
	}
	username = strconv.FormatInt(now(c.Now).Add(ttl).Unix(), 10) + ":" + user
	return username, Password(c.Secret, username)
}

// Password is the password of username under secret.
func Password(secret []byte, username string) string {
	mac := hmac.New(sha1.New, secret)
	mac.Write([]byte(username))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// checkUsername returns the user a username names, if its expiry is still ahead of now.
func checkUsername(username string, now time.Time) (user string, err error) {
	expiry, user, ok := strings.Cut(username, ":")
	if !ok || user == "" {
		return "", ErrMalformedUsername
	}
	unix, err := strconv.ParseInt(expiry, 10, 64)
	if err != nil {
		return "", ErrMalformedUsername
	}
	if now.Unix() >= unix {
		return "", fmt.Errorf("%w at %s", ErrExpired, time.Unix(unix, 0).UTC().Format(time.RFC3339))
	}
	return user, nil
}

func now(clock func() time.Time) time.Time {
	if clock == nil {
		return time.Now()
	}
	return clock()
}
