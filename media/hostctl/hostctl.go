// Package hostctl is how a media node takes a host's "go live" and "end the session" from the
// room to the API, which runs them through the session workflow's validated updates (the same
// as POST /v1/sessions/:id/start and /stop). The node has no Temporal client nor API key: it
// presents a join token it signs afresh for the host with the media secret the API shares, and
// the API checks it, then the person's session role as the store says now. It is a leaf package
// (it imports only jointoken), so the API uses its paths and request type too.
package hostctl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/onairhq/onair/media/jointoken"
)

// Paths of the API's room host routes, with the session id in place of %s.
const (
	StartPath = "/v1/public/sessions/%s/room/start"
	StopPath  = "/v1/public/sessions/%s/room/stop"
)

// Request is the body of both routes: a join token for the host in that session.
type Request struct {
	Token string `json:"token"`
}

// tokenTTL is how long the token the node signs for one call lives: the call's own span. The
// host's own join token may have expired long ago (they entered the green room an hour before).
const tokenTTL = time.Minute

// Timeout bounds one call: the API waits for the workflow's update, which opens or closes the
// room on this node.
const Timeout = 30 * time.Second

// Refusal is the API's answer to a call it did not carry out: its status and reason.
type Refusal struct {
	Status int
	Detail string
}

func (r *Refusal) Error() string { return fmt.Sprintf("the API refused (%d): %s", r.Status, r.Detail) }

// ErrUnavailable: the node does not know where the API is.
var ErrUnavailable = errors.New("hostctl: no API configured on this media node")

// Client calls the API at baseURL.
type Client struct {
	baseURL string
	secret  []byte
	http    *http.Client
}

// New builds a client of the API at baseURL signing with the media secret; a nil hc is a
// client bounded by Timeout.
func New(baseURL string, secret []byte, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: Timeout}
	}
	return &Client{baseURL: strings.TrimRight(baseURL, "/"), secret: secret, http: hc}
}

// Start takes the session of c live for the host c names.
func (cl *Client) Start(ctx context.Context, c jointoken.Claims) error {
	return cl.call(ctx, StartPath, c)
}

// Stop ends the session of c for the host c names.
func (cl *Client) Stop(ctx context.Context, c jointoken.Claims) error {
	return cl.call(ctx, StopPath, c)
}

func (cl *Client) call(ctx context.Context, path string, c jointoken.Claims) error {
	if cl == nil || cl.baseURL == "" {
		return ErrUnavailable
	}
	now := time.Now()
	c.IssuedAt, c.ExpiresAt, c.Page = now.Unix(), now.Add(tokenTTL).Unix(), nil
	tok, err := jointoken.Sign(cl.secret, c)
	if err != nil {
		return err
	}
	body, err := json.Marshal(Request{Token: tok})
	if err != nil {
		return err
	}
	u := cl.baseURL + fmt.Sprintf(path, url.PathEscape(c.SessionID))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := cl.http.Do(req)
	if err != nil {
		return fmt.Errorf("hostctl: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 2 {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	var p struct {
		Detail string `json:"detail"`
		Title  string `json:"title"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&p)
	if p.Detail == "" {
		p.Detail = p.Title
	}
	return &Refusal{Status: resp.StatusCode, Detail: p.Detail}
}
