package mail

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"slices"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// ErrInvalidMessage is wrapped by every error about a message that cannot be sent as given
// (no body, a header that would break the message, an unparsable attachment type).
var ErrInvalidMessage = errors.New("mail: invalid message")

// Attachment is a file sent with a message, e.g. invite.ics with ContentType
// "text/calendar; method=REQUEST". An empty ContentType means application/octet-stream.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// Message is one e-mail as onair composes it; senders turn it into RFC 5322 bytes.
type Message struct {
	From    string // optional; the sender's default is used when empty
	To      []string
	Subject string
	Text    string // plain-text body, required: every client can show it
	HTML    string // optional alternative to Text
	// Calendar is an iCalendar invitation sent inline, as a third alternative beside Text
	// and HTML (its ContentType names the iTIP method); see AddCalendar.
	Calendar    *Attachment
	Attachments []Attachment
	Headers     map[string]string // extra headers, e.g. "X-Onair-Kind": "invitation"
	// ID names the e-mail for good (a delivery or invitation id) and becomes its Message-ID,
	// <ID@sender's domain>: a copy sent again after a crash carries the same Message-ID,
	// so mail clients and de-duplicating servers fold the copies into one. Empty: a random
	// Message-ID, for an e-mail nothing would send twice.
	ID string
}

// reservedHeaders are written by the sender from the Message's own fields; letting Headers
// set them would produce duplicate or contradictory headers.
var reservedHeaders = []string{
	"bcc", "cc", "content-disposition", "content-transfer-encoding", "content-type", "date",
	"from", "message-id", "mime-version", "return-path", "sender", "subject", "to",
}

// build validates m and turns it into a go-mail message, with defaultFrom used when m.From
// is empty. It does no I/O, so every sender validates before touching disk or network.
func (m Message) build(defaultFrom string) (*gomail.Msg, error) {
	fromRaw := m.From
	if fromRaw == "" {
		fromRaw = defaultFrom
	}
	if fromRaw == "" {
		return nil, fmt.Errorf("%w: no sender (set Message.From or the sender's default)", ErrInvalidAddress)
	}
	from, err := parseAddress(fromRaw)
	if err != nil {
		return nil, fmt.Errorf("sender: %w", err)
	}
	if len(m.To) == 0 {
		return nil, fmt.Errorf("%w: no recipients", ErrInvalidAddress)
	}
	to := make([]*mail.Address, 0, len(m.To))
	for _, raw := range m.To {
		a, err := parseAddress(raw)
		if err != nil {
			return nil, fmt.Errorf("recipient: %w", err)
		}
		to = append(to, a)
	}
	if strings.TrimSpace(m.Text) == "" {
		return nil, fmt.Errorf("%w: empty text body", ErrInvalidMessage)
	}
	if err := checkHeaderValue("Subject", m.Subject); err != nil {
		return nil, err
	}
	id := m.ID
	if id == "" {
		id = rand.Text()
	} else if !isDotAtom(id) {
		return nil, fmt.Errorf("%w: message ID %q is not a dot-atom", ErrInvalidMessage, id)
	}

	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(from)
	msg.ToMailAddress(to...)
	msg.Subject(m.Subject)
	msg.SetDate()
	// A Message-ID in the sender's own domain reads as less spammy than go-mail's
	// hostname-based default, which would leak the worker's machine name.
	msg.SetMessageIDWithValue(id + "@" + domainOf(from.Address))
	if err := setHeaders(msg, m.Headers); err != nil {
		return nil, err
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if m.Calendar != nil {
		if err := checkHeaderValue("calendar content type", m.Calendar.ContentType); err != nil {
			return nil, err
		}
		msg.AddAlternativeString(gomail.ContentType(m.Calendar.ContentType), string(m.Calendar.Data))
	}
	for _, a := range m.Attachments {
		if err := attach(msg, a); err != nil {
			return nil, err
		}
	}
	return msg, nil
}

// setHeaders adds extra headers in sorted order, so the same Message always gives the same
// bytes. Reply-To is an address header and is parsed as one.
func setHeaders(msg *gomail.Msg, headers map[string]string) error {
	names := make([]string, 0, len(headers))
	for name := range headers {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		value := headers[name]
		if err := checkHeaderName(name); err != nil {
			return err
		}
		if err := checkHeaderValue(name, value); err != nil {
			return err
		}
		if strings.EqualFold(name, "Reply-To") {
			a, err := parseAddress(value)
			if err != nil {
				return fmt.Errorf("Reply-To: %w", err)
			}
			msg.ReplyToMailAddress(a)
			continue
		}
		msg.SetGenHeader(gomail.Header(name), value)
	}
	return nil
}

func checkHeaderName(name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty header name", ErrInvalidMessage)
	}
	if slices.Contains(reservedHeaders, strings.ToLower(name)) {
		return fmt.Errorf("%w: header %q is set from the message fields", ErrInvalidMessage, name)
	}
	// RFC 5322 section 3.6.8: printable ASCII except the colon.
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 33 || c > 126 || c == ':' {
			return fmt.Errorf("%w: bad header name %q", ErrInvalidMessage, name)
		}
	}
	return nil
}

// checkHeaderValue refuses line breaks, which would let a value (a workspace name in a
// subject, say) inject headers of its own.
func checkHeaderValue(name, value string) error {
	if strings.ContainsAny(value, "\r\n\x00") {
		return fmt.Errorf("%w: header %s contains a line break", ErrInvalidMessage, name)
	}
	return nil
}

func attach(msg *gomail.Msg, a Attachment) error {
	if strings.TrimSpace(a.Filename) == "" {
		return fmt.Errorf("%w: attachment without a file name", ErrInvalidMessage)
	}
	if err := checkHeaderValue("attachment file name", a.Filename); err != nil {
		return err
	}
	ct := a.ContentType
	if ct == "" {
		ct = string(gomail.TypeAppOctetStream)
	}
	if err := checkHeaderValue("attachment content type", ct); err != nil {
		return err
	}
	if _, _, err := mime.ParseMediaType(ct); err != nil {
		return fmt.Errorf("%w: attachment %q content type %q: %v", ErrInvalidMessage, a.Filename, ct, err)
	}
	err := msg.AttachReader(a.Filename, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(ct)))
	if err != nil {
		return fmt.Errorf("attach %q: %w", a.Filename, err)
	}
	return nil
}

// isDotAtom reports whether s may stand as the left part of a Message-ID (RFC 5322 section
// 3.6.4, id-left = dot-atom-text), which keeps the header one well-formed token.
func isDotAtom(s string) bool {
	for _, atom := range strings.Split(s, ".") {
		if atom == "" {
			return false
		}
		for i := 0; i < len(atom); i++ {
			c := atom[i]
			alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
			if !alnum && !strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", rune(c)) {
				return false
			}
		}
	}
	return true
}

func domainOf(addr string) string {
	return addr[strings.LastIndexByte(addr, '@')+1:]
}

// encode writes msg as the RFC 5322 bytes an SMTP server would receive.
func encode(msg *gomail.Msg) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("write message: %w", err)
	}
	return buf.Bytes(), nil
}
