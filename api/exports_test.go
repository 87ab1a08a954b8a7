package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/onairhq/onair/store"
)

// exportFixture is a session with tricky registrant names, a custom field and chat lines,
// as exports must carry them.
type exportFixture struct {
	h          *harness
	owner      account
	event, ses string
}

var trickyNames = []string{`Doe, Jane`, `Ann "the host" Lee`, "Line one\nline two", "東京 太郎", "Ольга Иванова"}

func newExportFixture(t *testing.T) exportFixture {
	h := sqliteHarness(t)
	owner := h.signup("Exports")
	h.must(http.StatusCreated, "POST", "/v1/attributes", owner.Key, map[string]any{"key": "company", "label": "Company", "type": "text"})
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{
		"title": "Export me", "settings": map[string]any{"custom_fields": []string{"company"}},
	}).field(t, "id")
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key, map[string]any{
		"starts_at": future(48 * time.Hour), "duration_minutes": 15, "timezone": "UTC",
	}).field(t, "id")
	for i, name := range trickyNames {
		company := "Acme"
		if i == 0 {
			company = "=HYPERLINK(\"http://evil.test\")"
		}
		h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/registrants", owner.Key, map[string]any{
			"email": email("p" + store.NewSecret(3)), "name": name, "fields": map[string]string{"company": company}})
	}
	ctx := context.Background()
	for _, text := range []string{"+1 great talk", "@everyone hi", "-2 points", "plain, with comma"} {
		m := &store.ChatMessage{ID: store.NewID("msg"), WorkspaceID: owner.WorkspaceID, SessionID: ses, PersonID: "reg_x",
			Name: "東京 太郎", Role: "participant", Text: text, CreatedAt: store.Now()}
		if _, err := h.db.NewInsert().Model(m).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return exportFixture{h: h, owner: owner, event: ev, ses: ses}
}

func parseCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(body, []byte("\ufeff"))
	if !ok {
		t.Fatalf("CSV without a UTF-8 byte order mark: %q", body[:min(len(body), 16)])
	}
	rows, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v\n%s", err, rest)
	}
	return rows
}

func column(t *testing.T, rows [][]string, name string) []string {
	t.Helper()
	idx := -1
	for i, h := range rows[0] {
		if h == name {
			idx = i
		}
	}
	if idx < 0 {
		t.Fatalf("no column %q in %v", name, rows[0])
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[idx])
	}
	return out
}

// Names with commas, quotes, newlines and non-Latin scripts come back exactly; a value a
// spreadsheet would run as a formula comes back prefixed with a quote.
func TestExportCSVIsExactAndSafe(t *testing.T) {
	f := newExportFixture(t)
	r := f.h.must(http.StatusOK, "GET", "/v1/sessions/"+f.ses+"/exports/registrants", f.owner.Key, nil)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("content type %q", ct)
	}
	if !bytes.Contains(r.Body, []byte("\r\n")) {
		t.Fatal("CSV lines do not end with CRLF (RFC 4180)")
	}
	rows := parseCSV(t, r.Body)
	if got := column(t, rows, "name"); strings.Join(got, "|") != strings.Join(trickyNames, "|") {
		t.Fatalf("names %q, want %q", got, trickyNames)
	}
	companies := column(t, rows, "company")
	if companies[0] != `'=HYPERLINK("http://evil.test")` || companies[1] != "Acme" {
		t.Fatalf("companies %q", companies)
	}
	for _, st := range column(t, rows, "attended_live") {
		if st != "no" {
			t.Fatalf("attended_live %q for a session nobody joined", st)
		}
	}

	chat := parseCSV(t, f.h.must(http.StatusOK, "GET", "/v1/sessions/"+f.ses+"/exports/chat", f.owner.Key, nil).Body)
	want := []string{"'+1 great talk", "'@everyone hi", "'-2 points", "plain, with comma"}
	if got := column(t, chat, "text"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("chat %q, want %q", got, want)
	}

	// The event-wide export has the same rows (one session here), with the session column.
	all := parseCSV(t, f.h.must(http.StatusOK, "GET", "/v1/events/"+f.event+"/exports/registrants", f.owner.Key, nil).Body)
	if len(all) != len(rows) || column(t, all, "session_id")[0] != f.ses {
		t.Fatalf("event export has %d rows, want %d", len(all), len(rows))
	}
}

// The XLSX export holds the same text as typed strings: nothing becomes a formula.
func TestExportXLSX(t *testing.T) {
	f := newExportFixture(t)
	r := f.h.must(http.StatusOK, "GET", "/v1/sessions/"+f.ses+"/exports/registrants?format=xlsx", f.owner.Key, nil)
	book, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("open xlsx: %v", err)
	}
	defer book.Close()
	rows, err := book.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if got := column(t, rows, "name"); strings.Join(got, "|") != strings.Join(trickyNames, "|") {
		t.Fatalf("names %q", got)
	}
	formula, err := book.GetCellFormula("Sheet1", "L2")
	if err != nil || formula != "" {
		t.Fatalf("the =HYPERLINK value became a formula %q (%v)", formula, err)
	}
	if v := column(t, rows, "company")[0]; v != `=HYPERLINK("http://evil.test")` {
		t.Fatalf("company cell %q", v)
	}
}

func TestExportRefusesBadRequests(t *testing.T) {
	f := newExportFixture(t)
	isProblem(t, f.h.call("GET", "/v1/sessions/"+f.ses+"/exports/registrants?format=pdf", f.owner.Key, nil), http.StatusBadRequest)
	isProblem(t, f.h.call("GET", "/v1/sessions/"+f.ses+"/exports/passwords", f.owner.Key, nil), http.StatusNotFound)
	other := f.h.signup("Other")
	isProblem(t, f.h.call("GET", "/v1/sessions/"+f.ses+"/exports/registrants", other.Key, nil), http.StatusNotFound)
	isProblem(t, f.h.call("GET", "/v1/events/"+f.event+"/exports/chat", "", nil), http.StatusUnauthorized)
}

// A store error after the first rows were sent cannot become a problem response any more:
// the download fails (the connection drops before the last chunk) instead of ending as a short
// file that looks complete. Page two of the chat holds a row the store cannot read back.
func TestExportCutShortByTheStoreFailsTheDownload(t *testing.T) {
	f := newExportFixture(t)
	ctx := context.Background()
	msgs := make([]store.ChatMessage, 500)
	for i := range msgs {
		msgs[i] = store.ChatMessage{ID: fmt.Sprintf("msg_a%04d", i), WorkspaceID: f.owner.WorkspaceID, SessionID: f.ses,
			PersonID: "reg_x", Name: "Ann", Role: "participant", Text: "hello", CreatedAt: store.Now()}
	}
	if _, err := f.h.db.NewInsert().Model(&msgs).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.h.db.ExecContext(ctx, `INSERT INTO chat_messages (id, workspace_id, session_id, person_id, name, role, text, created_at)
		VALUES ('msg_~', ?, ?, 'reg_x', 'Ann', 'participant', 'unreadable', 'not a time')`, f.owner.WorkspaceID, f.ses); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodGet, f.h.srv.URL+"/v1/sessions/"+f.ses+"/exports/chat", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.owner.Key)
	res, err := f.h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("msg_a0000")) {
		t.Fatalf("status %d, %d bytes: the export did not start", res.StatusCode, len(body))
	}
	if err == nil {
		t.Fatalf("the download ended cleanly with %d bytes although the store failed on page two", len(body))
	}
}
