package mail

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
)

// parsedMail is what a mail client would show of an RFC 5322 message.
type parsedMail struct {
	header      mail.Header
	subject     string
	text, html  string
	calendar    *parsedPart           // the inline text/calendar alternative
	attachments map[string]parsedPart // by file name
}

type parsedPart struct {
	contentType string
	data        []byte
}

// parseEML reads raw with the standard library only, so the tests check the bytes against
// an independent parser rather than against go-mail itself.
func parseEML(t *testing.T, raw []byte) parsedMail {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, raw)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("decode subject: %v", err)
	}
	p := parsedMail{header: m.Header, subject: subject, attachments: map[string]parsedPart{}}
	walkPart(t, &p, m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), "", m.Body)
	return p
}

func walkPart(t *testing.T, p *parsedMail, contentType, encoding, disposition string, body io.Reader) {
	t.Helper()
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatalf("content type %q: %v", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			part, err := r.NextRawPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("multipart: %v", err)
			}
			walkPart(t, p, part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"),
				part.Header.Get("Content-Disposition"), part)
		}
	}
	data := decodeBody(t, encoding, body)
	if disp, dparams, err := mime.ParseMediaType(disposition); err == nil && disp == "attachment" {
		p.attachments[dparams["filename"]] = parsedPart{contentType: contentType, data: data}
		return
	}
	switch mediaType {
	case "text/plain":
		p.text = string(data)
	case "text/html":
		p.html = string(data)
	case "text/calendar":
		p.calendar = &parsedPart{contentType: contentType, data: data}
	default:
		t.Fatalf("unexpected inline part %q", contentType)
	}
}

func decodeBody(t *testing.T, encoding string, body io.Reader) []byte {
	t.Helper()
	switch strings.ToLower(encoding) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("decode %s body: %v", encoding, err)
	}
	return data
}

// sampleMessage has every part a FileSender or SMTPSender must carry through.
func sampleMessage() Message {
	return Message{
		To:      []string{"Zoë Ávila <zoe@Example.COM>", "bob@example.org"},
		Subject: "Webinar «Go & Temporal» starts soon",
		Text:    "Hello Zoë,\r\nthe webinar starts at 20:30.\r\n",
		HTML:    "<p>Hello Zoë,</p><p>the webinar starts at <b>20:30</b>.</p>",
		Attachments: []Attachment{{
			Filename:    "invite.ics",
			ContentType: "text/calendar; method=REQUEST",
			Data:        []byte(sampleICS),
		}},
		Headers: map[string]string{"X-Onair-Kind": "reminder", "Reply-To": "host@example.com"},
	}
}

// sampleICS has CRLF line ends, a long line and non-ASCII text, all of which must survive.
const sampleICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//onair//EN\r\nMETHOD:REQUEST\r\n" +
	"BEGIN:VEVENT\r\nUID:session-42@onair\r\nDTSTART:20261122T203000Z\r\n" +
	"SUMMARY:Go & Temporal — a very long summary line that goes past seventy-six characters for sure\r\n" +
	"END:VEVENT\r\nEND:VCALENDAR\r\n"

// checkSample asserts that raw is sampleMessage sent with default sender from.
func checkSample(t *testing.T, raw []byte, from string) {
	t.Helper()
	p := parseEML(t, raw)
	gotFrom, err := p.header.AddressList("From")
	if err != nil || len(gotFrom) != 1 || gotFrom[0].Address != from {
		t.Errorf("From = %v (%v), want %s", gotFrom, err, from)
	}
	to, err := p.header.AddressList("To")
	if err != nil {
		t.Fatalf("To: %v", err)
	}
	if len(to) != 2 || to[0].Address != "zoe@example.com" || to[0].Name != "Zoë Ávila" || to[1].Address != "bob@example.org" {
		t.Errorf("To = %v, want Zoë Ávila <zoe@example.com>, bob@example.org", to)
	}
	if p.subject != "Webinar «Go & Temporal» starts soon" {
		t.Errorf("Subject = %q", p.subject)
	}
	if got := p.header.Get("X-Onair-Kind"); got != "reminder" {
		t.Errorf("X-Onair-Kind = %q", got)
	}
	if rt, err := p.header.AddressList("Reply-To"); err != nil || len(rt) != 1 || rt[0].Address != "host@example.com" {
		t.Errorf("Reply-To = %v (%v)", rt, err)
	}
	if p.header.Get("Date") == "" || p.header.Get("Message-Id") == "" {
		t.Errorf("missing Date or Message-ID: %v", p.header)
	}
	if !strings.Contains(p.text, "Hello Zoë,\r\nthe webinar starts at 20:30.") {
		t.Errorf("text body = %q", p.text)
	}
	if !strings.Contains(p.html, "<b>20:30</b>") {
		t.Errorf("html body = %q", p.html)
	}
	ics, ok := p.attachments["invite.ics"]
	if !ok {
		t.Fatalf("no invite.ics attachment; got %v", p.attachments)
	}
	if string(ics.data) != sampleICS {
		t.Errorf("invite.ics differs after decoding:\n got %q\nwant %q", ics.data, sampleICS)
	}
	if mt, params, _ := mime.ParseMediaType(ics.contentType); mt != "text/calendar" || params["method"] != "REQUEST" {
		t.Errorf("invite.ics content type = %q", ics.contentType)
	}
}
