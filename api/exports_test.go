package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/tabular/tabulartest"
)

// exportFixture is a session with tricky registrant names, a custom field and chat lines,
// as exports must carry them.
type exportFixture struct {
	h          *harness
	owner      account
	event, ses string
}

// exportTimeLayout is how a CSV export writes a moment: the session's wall clock and offset.
const exportTimeLayout = "2006-01-02 15:04:05 -07:00"

var trickyNames = []string{`Doe, Jane`, `Ann "the host" Lee`, "Line one\nline two", "東京 太郎", "Ольга Иванова"}

// newExportFixture makes the event in language (empty: the workspace's, English), its
// session in Paris time, with a custom field whose label differs from its key.
func newExportFixture(t *testing.T, language string) exportFixture {
	h := sqliteHarness(t)
	owner := h.signup("Exports")
	h.must(http.StatusCreated, "POST", "/v1/attributes", owner.Key, map[string]any{"key": "company", "label": "Your company", "type": "text"})
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{
		"title": "Export me", "language": language, "settings": map[string]any{"custom_fields": []string{"company"}},
	}).field(t, "id")
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key, map[string]any{
		"starts_at": future(48 * time.Hour), "duration_minutes": 15, "timezone": "Europe/Paris",
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
	var first store.Registrant
	if err := h.db.NewSelect().Model(&first).Where("session_id = ?", ses).OrderExpr("id").Limit(1).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	left := store.Now()
	visit := &store.Attendance{ID: store.NewID("att"), WorkspaceID: owner.WorkspaceID, SessionID: ses, PersonID: first.ID,
		Role: "participant", Kind: store.AttendanceLive, JoinedAt: left.Add(-90 * time.Second), LeftAt: &left, Seconds: 90}
	if _, err := h.db.NewInsert().Model(visit).Exec(ctx); err != nil {
		t.Fatal(err)
	}
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
// spreadsheet would run as a formula comes back prefixed with a quote. Headers are labels:
// the custom field's as its author typed it, the others from the catalogue; times are on the
// session's wall clock with its offset; the event's export names each session.
func TestExportCSVIsExactAndSafe(t *testing.T) {
	f := newExportFixture(t, "")
	r := f.h.must(http.StatusOK, "GET", "/v1/sessions/"+f.ses+"/exports/registrants", f.owner.Key, nil)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("content type %q", ct)
	}
	if !bytes.Contains(r.Body, []byte("\r\n")) {
		t.Fatal("CSV lines do not end with CRLF (RFC 4180)")
	}
	rows := parseCSV(t, r.Body)
	wantHeader := []string{"Event", "Session", "Session start", "Time zone", "Session ID", "Registrant ID", "E-mail", "Name", "Status",
		"Registered at", "First joined", "Last left", "Seconds attended", "Attended live", "Replay views", "Engagement score (0–10)",
		"Consented at", "UTM source", "UTM medium", "UTM campaign", "UTM term", "UTM content", "Referrer", "Your company"}
	if !slices.Equal(rows[0], wantHeader) {
		t.Fatalf("header\n%q\nwant\n%q", rows[0], wantHeader)
	}
	if got := column(t, rows, "Name"); strings.Join(got, "|") != strings.Join(trickyNames, "|") {
		t.Fatalf("names %q, want %q", got, trickyNames)
	}
	companies := column(t, rows, "Your company")
	if companies[0] != `'=HYPERLINK("http://evil.test")` || companies[1] != "Acme" {
		t.Fatalf("companies %q", companies)
	}
	if got := column(t, rows, "Attended live"); got[0] != "yes" || got[1] != "no" {
		t.Fatalf("attended live %q, want the first (who has a visit) yes, the others no", got)
	}
	if got := column(t, rows, "Seconds attended"); got[0] != "90" || got[1] != "0" {
		t.Fatalf("seconds attended %q", got)
	}
	// The score of who watched 90 s is above nothing, the others' is 0 (store.Engagement).
	if got := column(t, rows, "Engagement score (0–10)"); got[0] == "0" || got[1] != "0" {
		t.Fatalf("engagement scores %q, want the viewer's above 0, the others 0", got)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"Registered at", "First joined", "Last left", "Session start"} {
		v := column(t, rows, col)[0]
		at, err := time.Parse(exportTimeLayout, v)
		if err != nil {
			t.Fatalf("%s %q is not a time with its offset: %v", col, v, err)
		}
		_, offset := at.Zone()
		if _, paris := at.In(paris).Zone(); offset != paris {
			t.Errorf("%s %q is not on Paris time", col, v)
		}
	}
	if z := column(t, rows, "Time zone")[0]; z != "Europe/Paris" {
		t.Errorf("time zone %q", z)
	}

	chat := parseCSV(t, f.h.must(http.StatusOK, "GET", "/v1/sessions/"+f.ses+"/exports/chat", f.owner.Key, nil).Body)
	want := []string{"'+1 great talk", "'@everyone hi", "'-2 points", "plain, with comma"}
	if got := column(t, chat, "Message"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("chat %q, want %q", got, want)
	}

	// The event-wide export has the same rows (one session here), each naming its session
	// by the event's title and the session's start, not only by id.
	all := parseCSV(t, f.h.must(http.StatusOK, "GET", "/v1/events/"+f.event+"/exports/registrants", f.owner.Key, nil).Body)
	if len(all) != len(rows) || column(t, all, "Session ID")[0] != f.ses || column(t, all, "Event")[0] != "Export me" {
		t.Fatalf("event export has %d rows, want %d: %q", len(all), len(rows), all[:min(2, len(all))])
	}
	if name := column(t, all, "Session")[0]; !strings.Contains(name, "CET") && !strings.Contains(name, "CEST") {
		t.Errorf("session named %q, want its start on Paris time", name)
	}
}

// An event in French exports French headers and words; the custom field keeps its label.
func TestExportSpeaksTheEventsLanguage(t *testing.T) {
	f := newExportFixture(t, "fr")
	rows := parseCSV(t, f.h.must(http.StatusOK, "GET", "/v1/sessions/"+f.ses+"/exports/registrants", f.owner.Key, nil).Body)
	for _, label := range []string{"Nom", "Inscrit le", "Secondes de présence", "Fuseau horaire", "Your company"} {
		column(t, rows, label)
	}
	if got := column(t, rows, "Présent en direct"); got[0] != "oui" || got[1] != "non" {
		t.Fatalf("présent en direct %q", got)
	}
	sheet := tabulartest.Read(t, f.h.must(http.StatusOK, "GET", "/v1/sessions/"+f.ses+"/exports/questions?format=xlsx", f.owner.Key, nil).Body)
	if sheet.Name != "Questions" || sheet.Rows[0][0].Text != "Événement" {
		t.Fatalf("sheet %q headed %+v", sheet.Name, sheet.Rows[0])
	}
	sheet = tabulartest.Read(t, f.h.must(http.StatusOK, "GET", "/v1/sessions/"+f.ses+"/exports/registrants?format=xlsx", f.owner.Key, nil).Body)
	if sheet.Name != "Inscrits" {
		t.Fatalf("sheet %q, want Inscrits", sheet.Name)
	}
}

// The XLSX export, read back by unzipping its XML (not with the library that wrote it): a
// sheet named for its kind, the header frozen and filtered, seconds as numbers a sum can
// add, times as dates, and text as text (nothing becomes a formula).
func TestExportXLSX(t *testing.T) {
	f := newExportFixture(t, "")
	r := f.h.must(http.StatusOK, "GET", "/v1/sessions/"+f.ses+"/exports/registrants?format=xlsx", f.owner.Key, nil)
	sheet := tabulartest.Read(t, r.Body)
	if sheet.Name != "Registrants" || sheet.FrozenRows != 1 {
		t.Fatalf("sheet %q with %d frozen rows, want Registrants with its header frozen", sheet.Name, sheet.FrozenRows)
	}
	if want := fmt.Sprintf("A1:X%d", len(trickyNames)+1); sheet.AutoFilter != want {
		t.Fatalf("auto-filter over %q, want %q", sheet.AutoFilter, want)
	}
	var names []string
	for _, c := range sheet.Column(t, "Name") {
		names = append(names, c.Text)
	}
	if strings.Join(names, "|") != strings.Join(trickyNames, "|") {
		t.Fatalf("names %q", names)
	}
	if c := sheet.Column(t, "Your company")[0]; c.IsNumber() || c.Text != `=HYPERLINK("http://evil.test")` {
		t.Fatalf("company cell %+v, want the formula as text", c)
	}
	seconds := sheet.Column(t, "Seconds attended")
	for _, c := range seconds {
		if !c.IsNumber() || c.IsDate() {
			t.Fatalf("seconds cell %+v, want a plain number", c)
		}
	}
	if seconds[0].Text != "90" {
		t.Errorf("seconds %q, want 90", seconds[0].Text)
	}
	if c := sheet.Column(t, "Engagement score (0–10)")[0]; !c.IsNumber() || c.IsDate() {
		t.Errorf("engagement cell %+v, want a plain number", c)
	}
	for _, col := range []string{"Registered at", "Session start", "First joined"} {
		if c := sheet.Column(t, col)[0]; !c.IsDate() {
			t.Errorf("%s cell %+v, want a number with a date format", col, c)
		}
	}
	// The date is the session's wall clock: its serial matches the CSV's time in Paris.
	csvRows := parseCSV(t, f.h.must(http.StatusOK, "GET", "/v1/sessions/"+f.ses+"/exports/registrants", f.owner.Key, nil).Body)
	at, err := time.Parse(exportTimeLayout, column(t, csvRows, "Registered at")[0])
	if err != nil {
		t.Fatal(err)
	}
	serial, err := strconv.ParseFloat(sheet.Column(t, "Registered at")[0].Text, 64)
	if err != nil {
		t.Fatal(err)
	}
	wall := time.Date(at.Year(), at.Month(), at.Day(), at.Hour(), at.Minute(), at.Second(), 0, time.UTC)
	if got := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Add(time.Duration(math.Round(serial*86400)) * time.Second); !got.Equal(wall) {
		t.Errorf("date serial %v is %v, want the Paris wall clock %v", serial, got, wall)
	}
}

func TestExportRefusesBadRequests(t *testing.T) {
	f := newExportFixture(t, "")
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
	f := newExportFixture(t, "")
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
