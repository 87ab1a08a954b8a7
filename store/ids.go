package store

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"regexp"
	"time"
)

// lower-case Crockford-like alphabet; its byte order matches the order of the
// encoded values, so ids sort by creation time and serve as pagination cursors.
var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID returns "<prefix>_" followed by 48 bits of milliseconds and 72 random bits.
func NewID(prefix string) string {
	var b [15]byte
	binary.BigEndian.PutUint64(b[0:8], uint64(time.Now().UnixMilli())<<16)
	_, _ = rand.Read(b[6:])
	return prefix + "_" + idEncoding.EncodeToString(b[:])
}

// idShape is what NewID returns: a short lower-case prefix and 24 characters
// of idEncoding's alphabet.
var idShape = regexp.MustCompile(`^[a-z]{1,8}_[0-9a-hjkmnp-tv-z]{24}$`)

// IsID reports whether s has the shape of an id NewID returns, so callers can
// answer "not found" to anything else (NUL bytes, broken UTF-8, junk) before
// asking a database that may reject it with an error.
func IsID(s string) bool { return idShape.MatchString(s) }

// NewSecret returns n random bytes encoded for use in tokens and URLs.
func NewSecret(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return idEncoding.EncodeToString(b)
}
