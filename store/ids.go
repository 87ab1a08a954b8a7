package store

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
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

// NewSecret returns n random bytes encoded for use in tokens and URLs.
func NewSecret(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return idEncoding.EncodeToString(b)
}
