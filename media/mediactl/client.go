// Package mediactl is the media service's control API as the rest of onair sees it: the wire
// types and an HTTP client. Activities and the API use it to open and close rooms, drive
// recording and read attendance, without importing the media service (Pion) itself.
package mediactl

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ControlKey is the bearer token of the control API, derived from the media secret so one
// setting configures both, while the signing key itself never travels in a header.
func ControlKey(secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("onair media control v1"))
	return hex.EncodeToString(m.Sum(nil))
}

// Errors the client returns for the control API's refusals; anything else (5xx, network) is a
// plain error worth retrying.
var (
	ErrNotFound = errors.New("mediactl: not found on this media node")
	ErrConflict = errors.New("mediactl: conflicts with the room's or recording's state")
	ErrRefused  = errors.New("mediactl: request refused") // 400, 401, 422: retrying cannot help
)

// OpenRequest makes a session's room live.
type OpenRequest struct {
	WorkspaceID string `json:"workspace_id"`
	// AutoRecord starts recording as soon as the room is live (the event's auto-record setting).
	AutoRecord bool `json:"auto_record"`
}

// Recording states as the media node reports them.
const (
	RecordingIdle      = "idle"      // never started for this session
	RecordingActive    = "recording" // tracks are being written
	RecordingStopped   = "stopped"   // raw files complete, not muxed yet
	RecordingFinalized = "finalized" // one WebM exists
)

// TrackFile is one published track as written to disk while live (VP8 → IVF, Opus → Ogg).
type TrackFile struct {
	PersonID string `json:"person_id"`
	Kind     string `json:"kind"`  // audio or video
	Codec    string `json:"codec"` // MIME type, e.g. video/VP8
	Path     string `json:"path"`
	Bytes    int64  `json:"bytes"`
	Packets  uint64 `json:"packets"`
}

// RecordingStatus is a session's recording on the media node.
type RecordingStatus struct {
	SessionID string      `json:"session_id"`
	State     string      `json:"state"`
	StartedAt *time.Time  `json:"started_at,omitempty"`
	StoppedAt *time.Time  `json:"stopped_at,omitempty"`
	Tracks    []TrackFile `json:"tracks"`
}

// FinalizedRecording is the one WebM (audio and video) muxed from the raw track files.
// Finalizing again returns the same file.
type FinalizedRecording struct {
	SessionID  string `json:"session_id"`
	File       string `json:"file"` // path on the media node's recordings volume
	Bytes      int64  `json:"bytes"`
	DurationMS int64  `json:"duration_ms"`
	Tracks     int    `json:"tracks"`
}

// Participant is someone in a room now.
type Participant struct {
	PersonID   string `json:"person_id"`
	Name       string `json:"name"`
	Role       string `json:"role"`
	OnStage    bool   `json:"on_stage"`
	Publishing int    `json:"publishing"` // tracks being forwarded
}

// Attendance is one visit of one person to a session's room (a reconnect is a new visit).
// LeftAt is nil while they are still in the room.
type Attendance struct {
	PersonID string     `json:"person_id"`
	Role     string     `json:"role"`
	Name     string     `json:"name"`
	JoinedAt time.Time  `json:"joined_at"`
	LeftAt   *time.Time `json:"left_at,omitempty"`
	Seconds  int        `json:"seconds"`
}

// Client calls one media node's control API.
type Client struct {
	base string
	key  string
	http *http.Client
}

// New builds a client for the media node at baseURL (ONAIR_MEDIA_URL) with the shared secret.
func New(baseURL string, secret []byte, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), key: ControlKey(secret), http: hc}
}

// OpenRoom makes the session's room live (idempotent).
func (c *Client) OpenRoom(ctx context.Context, session string, req OpenRequest) error {
	return c.do(ctx, http.MethodPost, "/control/rooms/"+url.PathEscape(session)+"/open", req, nil)
}

// CloseRoom disconnects everyone, stops any recording and forgets the room. A room that is
// not open is ErrNotFound.
func (c *Client) CloseRoom(ctx context.Context, session string) error {
	return c.do(ctx, http.MethodPost, "/control/rooms/"+url.PathEscape(session)+"/close", nil, nil)
}

// StartRecording starts writing every published track (idempotent while recording).
func (c *Client) StartRecording(ctx context.Context, session string) (RecordingStatus, error) {
	var out RecordingStatus
	err := c.do(ctx, http.MethodPost, "/control/rooms/"+url.PathEscape(session)+"/recording/start", nil, &out)
	return out, err
}

// StopRecording closes the track files (idempotent once stopped).
func (c *Client) StopRecording(ctx context.Context, session string) (RecordingStatus, error) {
	var out RecordingStatus
	err := c.do(ctx, http.MethodPost, "/control/rooms/"+url.PathEscape(session)+"/recording/stop", nil, &out)
	return out, err
}

// Recording reports the session's recording, also after the room closed or the node restarted
// (it reads what is on disk).
func (c *Client) Recording(ctx context.Context, session string) (RecordingStatus, error) {
	var out RecordingStatus
	err := c.do(ctx, http.MethodGet, "/control/recordings/"+url.PathEscape(session), nil, &out)
	return out, err
}

// FinalizeRecording muxes the raw track files into one WebM. ErrNotFound: nothing was recorded.
func (c *Client) FinalizeRecording(ctx context.Context, session string) (FinalizedRecording, error) {
	var out FinalizedRecording
	err := c.do(ctx, http.MethodPost, "/control/recordings/"+url.PathEscape(session)+"/finalize", nil, &out)
	return out, err
}

// DeleteRecording erases every file of the session's recording (retention, deletion); a
// session with nothing on disk is not an error.
func (c *Client) DeleteRecording(ctx context.Context, session string) error {
	err := c.do(ctx, http.MethodDelete, "/control/recordings/"+url.PathEscape(session), nil, nil)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// RecordingFile streams the finalized WebM; rangeHeader ("" for all) is passed on so replays
// can seek. The caller closes the body. ErrRefused for a range outside the file.
func (c *Client) RecordingFile(ctx context.Context, session, rangeHeader string) (*http.Response, error) {
	return c.stream(ctx, "/control/recordings/"+url.PathEscape(session)+"/file", rangeHeader)
}

// ReplayFile streams one file of the session's composite replay (ReplayMP4, ReplayPlaylist or
// a segment, see ValidReplayFile), with rangeHeader passed on like RecordingFile's.
// ErrNotFound when the session has no composite replay or no such file.
func (c *Client) ReplayFile(ctx context.Context, session, name, rangeHeader string) (*http.Response, error) {
	if !ValidReplayFile(name) {
		return nil, fmt.Errorf("%w: %q is not a replay file", ErrNotFound, name)
	}
	return c.stream(ctx, "/control/recordings/"+url.PathEscape(session)+"/replay/"+name, rangeHeader)
}

// stream GETs a file of the control API, passing rangeHeader on.
func (c *Client) stream(ctx context.Context, path, rangeHeader string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	if rangeHeader != "" {
		req.Header.Set("Range", rangeHeader)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("mediactl: GET %s: %w", path, err)
	}
	if resp.StatusCode >= 300 {
		defer resp.Body.Close()
		return nil, statusError(resp)
	}
	return resp, nil
}

// Rooms lists the sessions with a room on this node now: live, or a green room before start.
func (c *Client) Rooms(ctx context.Context) ([]string, error) {
	var out struct {
		Rooms []string `json:"rooms"`
	}
	err := c.do(ctx, http.MethodGet, "/control/rooms", nil, &out)
	return out.Rooms, err
}

// Participants lists who is in the room now.
func (c *Client) Participants(ctx context.Context, session string) ([]Participant, error) {
	var out struct {
		Participants []Participant `json:"participants"`
	}
	err := c.do(ctx, http.MethodGet, "/control/rooms/"+url.PathEscape(session)+"/participants", nil, &out)
	return out.Participants, err
}

// Attendance lists the session's visits, oldest first, also after the room closed.
func (c *Client) Attendance(ctx context.Context, session string) ([]Attendance, error) {
	var out struct {
		Attendance []Attendance `json:"attendance"`
	}
	err := c.do(ctx, http.MethodGet, "/control/rooms/"+url.PathEscape(session)+"/attendance", nil, &out)
	return out.Attendance, err
}

// SetPersonRole changes a person's session role in every room of the node and for their later
// joins to any session with a token issued before the change (a team member removed from the
// workspace).
func (c *Client) SetPersonRole(ctx context.Context, person, role string) error {
	return c.do(ctx, http.MethodPut, "/control/people/"+url.PathEscape(person)+"/role", map[string]string{"role": role}, nil)
}

// SetRole changes a connected person's session role live.
func (c *Client) SetRole(ctx context.Context, session, person, role string) error {
	return c.do(ctx, http.MethodPut, "/control/rooms/"+url.PathEscape(session)+"/participants/"+url.PathEscape(person)+"/role",
		map[string]string{"role": role}, nil)
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("mediactl: %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return fmt.Errorf("mediactl: %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("mediactl: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("mediactl: %s %s: %w", method, path, statusError(resp))
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(out); err != nil {
		return fmt.Errorf("mediactl: %s %s: decode answer: %w", method, path, err)
	}
	return nil
}

// statusError turns a problem+json answer into one of the sentinels (with its detail) or a
// plain, retryable error for 5xx.
func statusError(resp *http.Response) error {
	var p struct {
		Detail string `json:"detail"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&p)
	detail := p.Detail
	if detail == "" {
		detail = resp.Status
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return fmt.Errorf("%w: %s", ErrNotFound, detail)
	case resp.StatusCode == http.StatusConflict:
		return fmt.Errorf("%w: %s", ErrConflict, detail)
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		return fmt.Errorf("%w (%d): %s", ErrRefused, resp.StatusCode, detail)
	}
	return fmt.Errorf("media node answered %s: %s", resp.Status, detail)
}
