package api_test

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// lastMail decodes the newest e-mail to addr: its subject and the text of all
// its parts (quoted-printable undone), as the recipient would read them.
func (h *harness) lastMail(addr string) (subject, text string) {
	h.t.Helper()
	files, _ := filepath.Glob(filepath.Join(h.mailDir, "*.eml"))
	sort.Strings(files)
	for i := len(files) - 1; i >= 0; i-- {
		raw, err := os.ReadFile(files[i])
		if err != nil {
			h.t.Fatal(err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			h.t.Fatalf("%s: %v", files[i], err)
		}
		to, err := msg.Header.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Address != addr {
			continue
		}
		subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		var b strings.Builder
		h.readPart(&b, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
		return subject, b.String()
	}
	h.t.Fatalf("no e-mail to %s in %s", addr, h.mailDir)
	return "", ""
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
