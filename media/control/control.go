// Package control serves a media node's control API (/control/..., bearer
// mediactl.ControlKey), the server side of media/mediactl: open and close rooms, list
// participants, change roles live, drive and serve recordings, read attendance. Its handlers
// get their dependencies explicitly (Params): the node's rooms (media/room) and recordings.
package control

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/recording"
	"github.com/onairhq/onair/media/room"
)

// Params builds the control API.
type Params struct {
	Rooms *room.Rooms
	// Recordings is where this node's recordings are; nil: the node does not record.
	Recordings *recording.Store
	Secret     []byte // the control key derives from it (mediactl.ControlKey)
	Logger     *slog.Logger
}

// NewHandler serves the control API under /control/.
func NewHandler(p Params) http.Handler {
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	c := &control{rooms: p.Rooms, recordings: p.Recordings, key: mediactl.ControlKey(p.Secret), log: p.Logger}
	mux := http.NewServeMux()
	mux.Handle("GET /control/rooms", c.auth(c.listRooms))
	mux.Handle("POST /control/rooms/{session}/open", c.auth(c.open))
	mux.Handle("POST /control/rooms/{session}/close", c.auth(c.close))
	mux.Handle("GET /control/rooms/{session}/participants", c.auth(c.participants))
	mux.Handle("PUT /control/rooms/{session}/participants/{person}/role", c.auth(c.setRole))
	mux.Handle("PUT /control/people/{person}/role", c.auth(c.setPersonRole))
	c.recordingRoutes(mux) // recording.go
	mux.Handle("GET /control/rooms/{session}/attendance", c.auth(c.attendance))
	return mux
}

type control struct {
	rooms      *room.Rooms
	recordings *recording.Store
	key        string
	log        *slog.Logger
}

func (c *control) auth(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(c.key)) != 1 {
			writeProblem(w, http.StatusUnauthorized, "missing or wrong control key")
			return
		}
		next(w, r)
	})
}

func (c *control) listRooms(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string][]string{"rooms": c.rooms.IDs()})
}

func (c *control) open(w http.ResponseWriter, r *http.Request) {
	req, ok := decodeOpenRequest(w, r)
	if !ok {
		return
	}
	rm := c.rooms.Open(r.PathValue("session"))
	rm.SetWorkspace(req.WorkspaceID)
	if req.AutoRecord && !c.autoRecord(w, rm) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"session": rm.SessionID(), "live": true})
}

func (c *control) close(w http.ResponseWriter, r *http.Request) {
	if err := c.rooms.Close(r.PathValue("session")); err != nil {
		writeProblem(w, http.StatusNotFound, "no such room on this media node")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (c *control) participants(w http.ResponseWriter, r *http.Request) {
	rm, ok := c.rooms.Get(r.PathValue("session"))
	if !ok {
		writeProblem(w, http.StatusNotFound, "no such room on this media node")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"participants": rm.Participants()})
}

// decodeRole reads {"role": ...}; false when it wrote the problem.
func decodeRole(w http.ResponseWriter, r *http.Request) (authz.SessionRole, bool) {
	var body struct {
		Role authz.SessionRole `json:"role"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&body); err != nil {
		writeProblem(w, http.StatusBadRequest, "body must be {\"role\": ...}")
		return "", false
	}
	switch body.Role {
	case authz.SessionHost, authz.SessionModerator, authz.SessionSpeaker, authz.SessionParticipant:
		return body.Role, true
	}
	writeProblem(w, http.StatusUnprocessableEntity, "role must be host, moderator, speaker or participant")
	return "", false
}

// setPersonRole changes a person's role in every room and session (a removed team member).
func (c *control) setPersonRole(w http.ResponseWriter, r *http.Request) {
	role, ok := decodeRole(w, r)
	if !ok {
		return
	}
	c.rooms.SetPersonRole(r.PathValue("person"), role)
	w.WriteHeader(http.StatusNoContent)
}

func (c *control) setRole(w http.ResponseWriter, r *http.Request) {
	role, ok := decodeRole(w, r)
	if !ok {
		return
	}
	// Not found still remembers the change, for a join with a token issued before it.
	if err := c.rooms.SetRole(r.PathValue("session"), r.PathValue("person"), role); err != nil {
		switch {
		case errors.Is(err, room.ErrRoomNotFound):
			writeProblem(w, http.StatusNotFound, "no such room on this media node")
		case errors.Is(err, room.ErrNoSuchPerson):
			writeProblem(w, http.StatusNotFound, "no such person in the room")
		default:
			writeProblem(w, http.StatusInternalServerError, "could not change the role")
		}
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeProblem answers with RFC 9457 problem+json, like the API.
func writeProblem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": http.StatusText(status), "status": status, "detail": detail})
}
