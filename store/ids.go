package store

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"regexp"
	"sync"
	"time"
)

// lower-case Crockford-like alphabet; its byte order matches the order of the
// encoded values, so ids sort by creation time and serve as pagination cursors.
var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// idClock keeps ids made in one process in creation order even within one
// millisecond: the random tail of the next id is the previous one plus one
// (as monotonic ULIDs do), so "oldest first" lists never swap two writes.
var idClock struct {
	sync.Mutex
	ms   uint64
	tail [9]byte
}

// NewID returns "<prefix>_" followed by 48 bits of milliseconds and 72 bits
// that are random for the first id of a millisecond and increasing after.
func NewID(prefix string) string {
	var b [15]byte
	ms := uint64(time.Now().UnixMilli())
	idClock.Lock()
	switch {
	case ms > idClock.ms:
		idClock.ms = ms
		randomTail()
	case !increment(&idClock.tail):
		// 2^71 ids in one millisecond cannot happen, but never wrap around.
		idClock.ms++
		randomTail()
	}
	// A clock stepped back keeps counting from the last millisecond.
	ms = idClock.ms
	binary.BigEndian.PutUint64(b[0:8], ms<<16)
	copy(b[6:], idClock.tail[:])
	idClock.Unlock()
	return prefix + "_" + idEncoding.EncodeToString(b[:])
}

// randomTail starts a millisecond's ids at a random point, with the top bit
// clear so counting up from it cannot overflow in practice.
func randomTail() {
	_, _ = rand.Read(idClock.tail[:])
	idClock.tail[0] &= 0x7f
}

// increment adds one to a big-endian number; false when it overflowed.
func increment(n *[9]byte) bool {
	for i := len(n) - 1; i >= 0; i-- {
		n[i]++
		if n[i] != 0 {
			return true
		}
	}
	return false
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
