package room

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// MaxChatRunes bounds one chat line.
const MaxChatRunes = 2000

// sendChat relays a chat line to the sender's room (or breakout group) and stores it.
func (r *Room) sendChat(p *Participant, f wire.Frame) error {
	text, err := cleanText(f.Text, MaxChatRunes, "chat message")
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.ChatReadAll); err != nil {
		return err
	}
	if !r.allowWriteLocked(p) {
		return ErrRateLimited
	}
	at := r.nowUTC()
	group := r.ev.breakouts.activeGroupOf(p.id)
	msg := &store.ChatMessage{ID: store.NewID("chat"), WorkspaceID: r.ev.workspaceID, SessionID: r.sessionID,
		BreakoutID: group, PersonID: p.id, Name: p.name, Role: string(p.role), Text: text, CreatedAt: at}
	view := wire.ChatView{ID: msg.ID, Person: p.id, Name: p.name, Role: msg.Role, Text: text, At: formatAt(at)}
	r.ev.chatGroup[msg.ID] = group
	if group == "" {
		r.ev.chat = append(r.ev.chat, view)
		if len(r.ev.chat) > recentChatKept {
			r.ev.chat = r.ev.chat[len(r.ev.chat)-recentChatKept:]
		}
	}
	r.persist("chat message", func(ctx context.Context, db bun.IDB) error { return store.Insert(ctx, db, msg) })
	r.sendToLocked(roomFrame(wire.FrameChat, wire.RoomFields{Chat: &view}), r.inGroupLocked(group))
	return nil
}

// deleteChat removes a line for everyone who saw it (chat.moderate); the store keeps it
// marked deleted.
func (r *Room) deleteChat(p *Participant, f wire.Frame) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.actLocked(p, authz.ChatModerate); err != nil {
		return err
	}
	group, ok := r.ev.chatGroup[f.ID]
	if !ok {
		return fmt.Errorf("chat message %s: %w", quote(f.ID), ErrNotFound)
	}
	delete(r.ev.chatGroup, f.ID)
	for i, c := range r.ev.chat {
		if c.ID == f.ID {
			r.ev.chat = append(r.ev.chat[:i], r.ev.chat[i+1:]...)
			break
		}
	}
	id, by, at := f.ID, p.id, r.nowUTC()
	r.persist("chat delete", func(ctx context.Context, db bun.IDB) error { return store.DeleteChatMessage(ctx, db, id, by, at) })
	r.sendToLocked(roomFrame(wire.FrameChatDeleted, wire.RoomFields{ID: id}), r.inGroupLocked(group))
	return nil
}

// inGroupLocked selects the people of breakout group ("" the main room): a group's chat stays
// inside the group.
func (r *Room) inGroupLocked(group string) func(q *Participant) bool {
	return func(q *Participant) bool { return r.ev.breakouts.activeGroupOf(q.id) == group }
}

// cleanText trims s and checks it is present and at most max characters.
func cleanText(s string, max int, what string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", fmt.Errorf("%w: %s is empty", ErrBadRequest, what)
	case utf8.RuneCountInString(s) > max:
		return "", fmt.Errorf("%w: %s longer than %d characters", ErrBadRequest, what, max)
	case !utf8.ValidString(s):
		return "", fmt.Errorf("%w: %s is not UTF-8", ErrBadRequest, what)
	}
	return s, nil
}
