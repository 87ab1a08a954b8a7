package api_test

import (
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"strings"
)

// lastMail decodes the newest e-mail to addr: its subject and the text of all
// its parts (quoted-printable undone), as the recipient would read them.
func (h *harness) lastMail(addr string) (subject, text string) {
	h.t.Helper()
	box := h.mailbox(addr)
	if len(box) == 0 {
		h.t.Fatalf("no e-mail to %s in %s", addr, h.mailDir)
	}
	return box[0].subject, box[0].text
}

func (h *harness) readPart(b *strings.Builder, contentType, encoding string, body io.Reader) {
	h.t.Helper()
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		h.t.Fatalf("content type %q: %v", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		parts := multipart.NewReader(body, params["boundary"])
		for {
			p, err := parts.NextRawPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				h.t.Fatal(err)
			}
			h.readPart(b, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
		}
	}
	if strings.EqualFold(encoding, "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		h.t.Fatal(err)
	}
	b.Write(data)
	b.WriteString("\n")
}
