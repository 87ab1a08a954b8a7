package pages

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// policy is the Content-Security-Policy of a page: our own scripts, styles and images only,
// the brand colour through one nonce'd <style>, forms posting only to us, and framing only
// by the origins an embed allows.
func policy(nonce string, frameAncestors []string) string {
	ancestors := "'none'"
	if len(frameAncestors) > 0 {
		ancestors = "'self' " + strings.Join(frameAncestors, " ")
	}
	return "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-" + nonce + "'; " +
		"img-src 'self' data:; media-src 'self'; connect-src 'self'; form-action 'self'; " +
		"base-uri 'none'; frame-ancestors " + ancestors
}

// ErrForgedForm is returned for a form post that did not come from one of our pages: posted
// from another site, or without a valid form token.
var ErrForgedForm = errors.New("pages: form not posted from our page")

// ErrStaleForm is returned for a form whose token expired: the page was open too long.
var ErrStaleForm = errors.New("pages: form expired")

// formLifetime is how long a rendered form may be posted.
const formLifetime = 12 * time.Hour

// Forms signs and checks the hosted pages' forms against cross-site request forgery, without
// cookies (attendees have no session): a post must come from our origin (Origin, else
// Sec-Fetch-Site, as browsers send them) and carry a token that the page's action signed and
// that has not expired.
type Forms struct {
	key    []byte
	origin string // scheme://host[:port] of the public URL
	now    func() time.Time
}

// NewForms signs with key (store.LinkKey.Subkey("pages-forms")) for the site at publicURL.
func NewForms(key []byte, publicURL string) *Forms {
	origin := ""
	if u, err := url.Parse(publicURL); err == nil && u.Host != "" {
		origin = u.Scheme + "://" + u.Host
	}
	return &Forms{key: key, origin: origin, now: time.Now}
}

// Token signs a form whose action is the path action, valid for formLifetime.
func (f *Forms) Token(action string) string {
	exp := strconv.FormatInt(f.now().Add(formLifetime).Unix(), 10)
	return exp + "." + f.mac(action, exp)
}

// Check accepts a post of the form at action, or returns ErrForgedForm or ErrStaleForm. It
// reads the "form_token" field, so the caller parses the form first (c.PostForm does).
func (f *Forms) Check(r *http.Request, action string) error {
	if !f.sameOrigin(r) {
		return ErrForgedForm
	}
	exp, mac, ok := strings.Cut(r.PostFormValue("form_token"), ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(f.mac(action, exp))) {
		return ErrForgedForm
	}
	unix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return ErrForgedForm
	}
	if f.now().After(time.Unix(unix, 0)) {
		return ErrStaleForm
	}
	return nil
}

func (f *Forms) mac(action, exp string) string {
	m := hmac.New(sha256.New, f.key)
	m.Write([]byte(action + "\x00" + exp))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// sameOrigin reports whether a post came from one of our pages: its Origin is our public
// origin or the origin it was sent to; without Origin, a browser's Sec-Fetch-Site is not
// cross-site; without either (old clients, curl), the token alone decides.
func (f *Forms) sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		// "null" is a sandboxed frame or a privacy redirect: nothing to trust.
		return o == f.origin || o == requestOrigin(r)
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return false
	}
	return true
}

// requestOrigin is the origin a request was addressed to, as the browser saw it.
func requestOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
