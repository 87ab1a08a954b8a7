package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
)

// Personal links (join, replay, cancel) are e-mailed to registrants and speakers, who have no
// account: whoever holds one acts as that person. Their secrets are derived, never stored: an
// HMAC of the row's id and link version under a key from the environment (ONAIR_LINK_KEY), so
// a copy of the database opens no room and cancels no seat. Bumping a row's link_version voids
// its links. Links e-mailed by earlier builds (clear "join_…" secrets) are found by the SHA-256
// kept in legacy_link_hash.

// LinkKey derives and verifies personal link secrets. An empty key verifies nothing.
type LinkKey []byte

// MinLinkKeyLen is the shortest ONAIR_LINK_KEY accepted.
const MinLinkKeyLen = 32

// ParseLinkKey checks a configured link key.
func ParseLinkKey(s string) (LinkKey, error) {
	if len(s) < MinLinkKeyLen {
		return nil, fmt.Errorf("the link key must be at least %d characters of random (e.g. openssl rand -hex 32)", MinLinkKeyLen)
	}
	return LinkKey(s), nil
}

// LinkPurpose is what a personal link does; a secret made for one purpose never works for another.
type LinkPurpose string

// Link purposes: a join link opens the live room and the replay, a cancel link cancels the
// registration, an unsubscribe link stops a workspace's reminders, invitations and
// follow-ups to one address (UnsubscribeSecret).
const (
	LinkJoin        LinkPurpose = "join"
	LinkCancel      LinkPurpose = "cancel"
	LinkUnsubscribe LinkPurpose = "unsubscribe"
)

// linkPrefix starts a derived secret: its purpose and the format's version.
var linkPrefix = map[LinkPurpose]string{LinkJoin: "j1", LinkCancel: "c1", LinkUnsubscribe: "u1"}

// linkMACLen is the length of the secret's MAC: 32 base64url characters, 192 bits.
const linkMACLen = 32

// legacyLinkPrefix starts the clear secrets of earlier builds.
const legacyLinkPrefix = "join_"

// Secret is the secret of row id's purpose link at version: "j1.<id>.<mac>".
func (k LinkKey) Secret(purpose LinkPurpose, id string, version int) string {
	return linkPrefix[purpose] + "." + id + "." + k.mac(string(purpose), id, strconv.Itoa(version))
}

// mac is the secret's MAC over its parts, NUL-separated so no two lists of parts collide.
func (k LinkKey) mac(parts ...string) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))[:linkMACLen]
}

// UnsubscribeSecret is the secret of the link that stops workspace ws's reminders,
// invitations and follow-ups to email: "u1.<ws>.<email, base64url>.<mac>". It names an
// address, not a row, because session invitations go to people who never registered; like
// the other links it is derived, never stored.
func (k LinkKey) UnsubscribeSecret(ws, email string) string {
	email = strings.ToLower(strings.TrimSpace(email))
	return linkPrefix[LinkUnsubscribe] + "." + ws + "." + base64.RawURLEncoding.EncodeToString([]byte(email)) + "." +
		k.mac(string(LinkUnsubscribe), ws, email)
}

// ParseUnsubscribe returns the workspace and address an unsubscribe secret was made for,
// and false for anything this key did not make (checked in constant time).
func (k LinkKey) ParseUnsubscribe(secret string) (ws, email string, ok bool) {
	parts := strings.Split(secret, ".")
	if len(k) == 0 || len(parts) != 4 || parts[0] != linkPrefix[LinkUnsubscribe] || !IsID(parts[1]) || len(parts[3]) != linkMACLen {
		return "", "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal([]byte(secret), []byte(k.UnsubscribeSecret(parts[1], string(raw)))) {
		return "", "", false
	}
	return parts[1], string(raw), true
}

// verifies reports, in constant time, whether secret is row id's purpose link at version.
func (k LinkKey) verifies(secret string, purpose LinkPurpose, id string, version int) bool {
	return len(k) > 0 && hmac.Equal([]byte(secret), []byte(k.Secret(purpose, id, version)))
}

// whereLink narrows q to the row a secret can belong to: by the id a derived secret names, or
// by the hash of a legacy one. derived tells the caller to verify the MAC; ok false means no
// row can match.
func whereLink(q *bun.SelectQuery, purpose LinkPurpose, secret string) (_ *bun.SelectQuery, derived, ok bool) {
	if strings.HasPrefix(secret, legacyLinkPrefix) {
		return q.Where("?TableAlias.legacy_link_hash = ?", HashSecret(secret)), false, true
	}
	parts := strings.Split(secret, ".")
	if len(parts) != 3 || parts[0] != linkPrefix[purpose] || !IsID(parts[1]) || len(parts[2]) != linkMACLen {
		return q, true, false
	}
	return q.Where("?TableAlias.id = ?", parts[1]), true, true
}

// RegistrantByLink finds the registrant whose purpose link has this secret, in any workspace.
func RegistrantByLink(ctx context.Context, db bun.IDB, k LinkKey, purpose LinkPurpose, secret string) (*Registrant, error) {
	reg := new(Registrant)
	q, derived, ok := whereLink(db.NewSelect().Model(reg), purpose, secret)
	if !ok {
		return nil, fmt.Errorf("registrant by link: %w", ErrNotFound)
	}
	if err := q.Limit(1).Scan(ctx); err != nil {
		return nil, notFound("registrant by link", err)
	}
	if derived && !k.verifies(secret, purpose, reg.ID, reg.LinkVersion) {
		return nil, fmt.Errorf("registrant by link: %w", ErrNotFound)
	}
	return reg, nil
}

// SpeakerByLink finds the external speaker whose join link has this secret, in any workspace.
// Hosts and moderators join with their API key, never with a link.
func SpeakerByLink(ctx context.Context, db bun.IDB, k LinkKey, secret string) (*SessionStaff, error) {
	st := new(SessionStaff)
	q, derived, ok := whereLink(db.NewSelect().Model(st).Where("role = ?", StaffSpeaker), LinkJoin, secret)
	if !ok {
		return nil, fmt.Errorf("speaker by link: %w", ErrNotFound)
	}
	if err := q.Limit(1).Scan(ctx); err != nil {
		return nil, notFound("speaker by link", err)
	}
	if derived && !k.verifies(secret, LinkJoin, st.ID, st.LinkVersion) {
		return nil, fmt.Errorf("speaker by link: %w", ErrNotFound)
	}
	return st, nil
}

// HashLegacyLinks completes the link migration on SQLite, whose SQL has no SHA-256: that
// migration copies each clear legacy secret into legacy_link_hash, and this replaces it by its
// hash, in the migration's transaction. Running it again changes nothing (hashes are hex).
func HashLegacyLinks(ctx context.Context, db bun.IDB) error {
	for _, model := range []any{(*Registrant)(nil), (*SessionStaff)(nil)} {
		var rows []struct {
			ID             string
			LegacyLinkHash string
		}
		err := db.NewSelect().Model(model).Column("id", "legacy_link_hash").
			Where("legacy_link_hash LIKE ?", legacyLinkPrefix+"%").Scan(ctx, &rows)
		if err != nil {
			return fmt.Errorf("legacy links of %T: %w", model, err)
		}
		for _, r := range rows {
			if _, err := db.NewUpdate().Model(model).Set("legacy_link_hash = ?", HashSecret(r.LegacyLinkHash)).
				Where("id = ?", r.ID).Exec(ctx); err != nil {
				return fmt.Errorf("hash legacy link of %s: %w", r.ID, err)
			}
		}
	}
	return nil
}

// Subkey derives a key of its own for one use of the server's key (signing hosted pages'
// forms, say), so no two uses ever share a MAC key.
func (k LinkKey) Subkey(use string) []byte {
	m := hmac.New(sha256.New, k)
	m.Write([]byte("subkey\x00" + use))
	return m.Sum(nil)
}
