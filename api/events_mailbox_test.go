package api_test

import (
	"bytes"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// received is one e-mail as its recipient reads it.
type received struct {
	subject, text string
	raw           []byte
}

// mailbox returns every e-mail to addr in the harness's mail directory, newest first.
func (h *harness) mailbox(addr string) []received {
	h.t.Helper()
	files, _ := filepath.Glob(filepath.Join(h.mailDir, "*.eml"))
	sort.Strings(files)
	var out []received
	for i := len(files) - 1; i >= 0; i-- {
		raw, err := os.ReadFile(files[i])
		if err != nil {
			h.t.Fatal(err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			continue // still being written
		}
		to, err := msg.Header.AddressList("To")
		if err != nil || len(to) != 1 || !strings.EqualFold(to[0].Address, addr) {
			continue
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		var b strings.Builder
		h.readPart(&b, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
		out = append(out, received{subject: subject, text: b.String(), raw: raw})
	}
	return out
}

// mailAbout is the newest e-mail to addr whose subject contains want.
func (h *harness) mailAbout(addr, want string) received {
	h.t.Helper()
	for _, m := range h.mailbox(addr) {
		if strings.Contains(m.subject, want) {
			return m
		}
	}
	h.t.Fatalf("no e-mail to %s about %q", addr, want)
	return received{}
}
