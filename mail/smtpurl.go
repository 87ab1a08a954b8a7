package mail

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// tlsMode is how an SMTP connection is protected.
type tlsMode int

const (
	tlsOpportunistic tlsMode = iota // STARTTLS when the server offers it (smtp:// default)
	tlsNone                         // never encrypt (?tls=none), e.g. a local mail catcher
	tlsStartTLS                     // STARTTLS or fail (?tls=starttls)
	tlsImplicit                     // TLS from the first byte (smtps://, ?tls=tls)
)

// smtpConfig is a parsed SMTP URL.
type smtpConfig struct {
	host     string
	port     int
	tls      tlsMode
	auth     bool // user info was given
	user     string
	pass     string
	redacted string // the URL with the password masked, safe to log
}

// parseSMTPURL reads smtp://[user:pass@]host[:port][?tls=none|starttls|tls] and its smtps://
// twin. The default port follows the TLS mode: 465 for implicit TLS, 25 otherwise.
// Errors quote nothing from the URL but its scheme: an unescaped '/', '?' or '#' in a
// password shifts the rest of it into the path, port or query.
func parseSMTPURL(raw string) (smtpConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's error quotes the URL, and its inner error can quote pieces of an
		// unescaped password; say what to fix instead.
		return smtpConfig{}, errors.New("mail: malformed SMTP URL (percent-encode special characters in the user name and password)")
	}
	var c smtpConfig
	switch u.Scheme {
	case "smtp":
		c.tls = tlsOpportunistic
	case "smtps":
		c.tls = tlsImplicit
	default:
		return smtpConfig{}, fmt.Errorf("mail: SMTP URL scheme %q: want smtp or smtps", u.Scheme)
	}
	c.host = u.Hostname()
	if u.Opaque != "" || c.host == "" {
		return smtpConfig{}, errors.New("mail: SMTP URL has no host (want smtp://host[:port])")
	}
	if u.Path != "" && u.Path != "/" {
		return smtpConfig{}, errors.New("mail: SMTP URL has a path; only host, port and ?tls= are read (percent-encode '/' in the password)")
	}
	if u.Fragment != "" {
		return smtpConfig{}, errors.New("mail: SMTP URL has a #fragment (percent-encode '#' in the password)")
	}
	if err := c.readQuery(u.RawQuery, u.Scheme); err != nil {
		return smtpConfig{}, err
	}
	if err := c.readPort(u.Port()); err != nil {
		return smtpConfig{}, err
	}
	if u.User != nil {
		c.auth = true
		c.user = u.User.Username()
		c.pass, _ = u.User.Password()
		if c.user == "" {
			return smtpConfig{}, errors.New("mail: SMTP URL has a password but no user name")
		}
	}
	c.redacted = u.Redacted()
	return c, nil
}

func (c *smtpConfig) readQuery(rawQuery, scheme string) error {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return errors.New("mail: SMTP URL has a malformed query")
	}
	for key, values := range q {
		if key != "tls" {
			// Refusing unknown keys catches typos like ?tsl=none that would otherwise
			// silently leave the default in place.
			return errors.New("mail: SMTP URL has an unknown parameter (only tls is read)")
		}
		if len(values) != 1 {
			return errors.New("mail: SMTP URL gives tls more than once")
		}
	}
	v, ok := q["tls"]
	if !ok {
		return nil
	}
	var mode tlsMode
	switch strings.ToLower(v[0]) {
	case "none":
		mode = tlsNone
	case "starttls":
		mode = tlsStartTLS
	case "tls":
		mode = tlsImplicit
	default:
		return errors.New("mail: SMTP URL tls value: want none, starttls or tls")
	}
	if scheme == "smtps" && mode != tlsImplicit {
		return errors.New("mail: smtps:// always uses implicit TLS; another tls value contradicts it (use smtp://)")
	}
	c.tls = mode
	return nil
}

func (c *smtpConfig) readPort(p string) error {
	if p == "" {
		c.port = 25
		if c.tls == tlsImplicit {
			c.port = 465
		}
		return nil
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return errors.New("mail: SMTP URL port: want 1-65535")
	}
	c.port = n
	return nil
}
