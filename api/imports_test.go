package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
	"github.com/onairhq/onair/workflows"
)

// importSession makes an event (with these settings) and a session to import into.
func (h *harness) importSession(owner account, settings map[string]any) string {
	h.t.Helper()
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{"title": "Bulk", "settings": settings}).field(h.t, "id")
	return h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
		map[string]any{"starts_at": future(48 * time.Hour), "duration_minutes": 15, "timezone": "UTC"}).field(h.t, "id")
}

// registrantsOf lists a session's registrants by e-mail.
func (h *harness) registrantsOf(key, session string) map[string]store.Registrant {
	h.t.Helper()
	out := map[string]store.Registrant{}
	for cursor := ""; ; {
		var page struct {
			Data       []store.Registrant
			NextCursor string `json:"next_cursor"`
		}
		h.must(http.StatusOK, "GET", "/v1/registrants?limit=200&session_id="+session+"&cursor="+cursor, key, nil).json(h.t, &page)
		for _, r := range page.Data {
			out[r.Email] = r
		}
		if cursor = page.NextCursor; cursor == "" {
			return out
		}
	}
}

// refusals sums up an import's row reports as "line: reason".
func refusals(imp store.RegistrantImport) []string {
	var out []string
	for _, e := range imp.Errors {
		out = append(out, fmt.Sprintf("%d: %s", e.Row, e.Error))
	}
	return out
}

// wantRefusals checks an import's row reports: the lines, each saying its reason.
func wantRefusals(t *testing.T, imp store.RegistrantImport, want map[int]string) {
	t.Helper()
	if len(imp.Errors) != len(want) {
		t.Fatalf("row reports %q, want lines %v", refusals(imp), want)
	}
	for _, e := range imp.Errors {
		if w, ok := want[e.Row]; !ok || !strings.Contains(e.Error, w) {
			t.Fatalf("row reports %q, want lines %v", refusals(imp), want)
		}
	}
}

// TestImportReadsOnAfterAStrayQuote is issue 12's case: a stray quote on a
// later row (and a quote never closed) once panicked the chunk forever; the
// import now completes, reports those lines and registers every other row.
func TestImportReadsOnAfterAStrayQuote(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Stray quote")
	ses := h.importSession(owner, nil)
	ann, bob, cid, dan, eve := email("ann"), email("bob"), email("cid"), email("dan"), email("eve")
	csv := "email,name\n" + ann + ",Ann\n" + bob + ",Bob\n" + cid + ",Cid \"the Kid\" Smith\n" + dan + ",Dan\n" +
		"nobody@example.com,\"Never closed\n" + eve + ",Eve\n"
	imp := h.waitImport(owner.Key, h.importCSV(owner.Key, ses, csv))
	if imp.Status != store.ImportCompleted || imp.Rows != 6 || imp.Processed != 6 || imp.Imported != 4 || imp.Failed != 2 || imp.Duplicates != 0 {
		t.Fatalf("import %+v", imp)
	}
	wantRefusals(t, imp, map[int]string{4: "a quote inside an unquoted value", 6: "a quote is never closed"})
	regs := h.registrantsOf(owner.Key, ses)
	for _, addr := range []string{ann, bob, dan, eve} {
		if r, ok := regs[addr]; !ok || r.ImportID != imp.ID {
			t.Errorf("%s not registered by the import: %+v", addr, r)
		}
	}
	if len(regs) != 4 {
		t.Fatalf("%d registrants, want 4: %v", len(regs), regs)
	}
	h.waitMail(eve, "You are registered")
}

// TestImportStrayQuoteOnTheFirstRow once answered 500 with a panic: the
// upload is accepted and the row refused with its line.
func TestImportStrayQuoteOnTheFirstRow(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("First row")
	ses := h.importSession(owner, nil)
	for _, first := range []string{"b@example.com,Bob \"B\"\n", "\"b@example.com\"x,Bob\n", "\"\n"} {
		imp := h.waitImport(owner.Key, h.importCSV(owner.Key, ses, "email,name\n"+first+email("ann")+",Ann\n"))
		if imp.Status != store.ImportCompleted || imp.Rows != 2 || imp.Failed != 1 || imp.Imported != 1 {
			t.Fatalf("import of %q: %+v", first, imp)
		}
		wantRefusals(t, imp, map[int]string{2: "quote"})
	}
	// A header the reader cannot read is the upload's 400, naming the line.
	r := h.call("POST", "/v1/sessions/"+ses+"/imports", owner.Key, []byte("email,\"name\n"+email("ann")+"\n"), "Content-Type", "text/csv")
	if p := wantProblem(t, r, http.StatusBadRequest, "csv"); !strings.Contains(fmt.Sprint(p["detail"]), "line 1") {
		t.Fatalf("header problem %v", p)
	}
}

// TestImportAppliesTheRegistrationRules: each row meets the rules of the
// API's registration (one validator): a name of 1 MiB, a missing required
// answer, a value of the wrong type or outside a select's options are refused
// on their line, as the API refuses them with a 400.
func TestImportAppliesTheRegistrationRules(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Rules")
	for _, attr := range []map[string]any{
		{"key": "company", "label": "Company", "type": "text", "required": true},
		{"key": "plan", "label": "Plan", "type": "select", "options": []string{"basic", "pro"}},
		{"key": "size", "label": "Size", "type": "number"},
		{"key": "newsletter", "label": "Newsletter", "type": "checkbox"},
		{"key": "birthday", "label": "Birthday", "type": "date"},
	} {
		h.must(http.StatusCreated, "POST", "/v1/attributes", owner.Key, attr)
	}
	ses := h.importSession(owner, map[string]any{"custom_fields": []string{"company", "plan", "size", "newsletter", "birthday"}})
	good := email("good")
	rows := []string{
		good + ",Good,Acme,pro,12.5,YES,2026-12-01",
		email("long") + "," + strings.Repeat("n", 1<<20) + ",Acme,,,,",
		email("nocompany") + ",No company,,,,,",
		email("gold") + ",Gold,Acme,gold,,,",
		email("ten") + ",Ten,Acme,,ten,,",
		email("maybe") + ",Maybe,Acme,,,maybe,",
		email("date") + ",Date,Acme,,,,01/12/2026",
		"not-an-address,Nobody,Acme,,,,",
	}
	csv := "email,name,company,plan,size,newsletter,birthday\n" + strings.Join(rows, "\n") + "\n"
	imp := h.waitImport(owner.Key, h.importCSV(owner.Key, ses, csv))
	if imp.Status != store.ImportCompleted || imp.Imported != 1 || imp.Failed != 7 {
		t.Fatalf("import counts %+v: %q", imp, refusals(imp))
	}
	wantRefusals(t, imp, map[int]string{
		3: "name is longer than 120 characters", 4: "Company is required", 5: "Plan must be one of basic, pro",
		6: "Size must be a number", 7: "Newsletter must be true or false", 8: "Birthday must be a date", 9: "email must be a valid address",
	})
	regs := h.registrantsOf(owner.Key, ses)
	if r := regs[good]; len(regs) != 1 || r.Fields["newsletter"] != "true" || r.Fields["size"] != "12.5" {
		t.Fatalf("registrants %+v", regs)
	}
	// The same rules through the API.
	path := "/v1/sessions/" + ses + "/registrants"
	for field, body := range map[string]map[string]any{
		"name":           {"email": email("api"), "name": strings.Repeat("n", 121), "fields": map[string]string{"company": "Acme"}},
		"fields.company": {"email": email("api")},
		"fields.plan":    {"email": email("api"), "fields": map[string]string{"company": "Acme", "plan": "gold"}},
		"fields.size":    {"email": email("api"), "fields": map[string]string{"company": "Acme", "size": "ten"}},
	} {
		wantProblem(t, h.call("POST", path, owner.Key, body), http.StatusBadRequest, field)
	}
}

// TestImportCountsDuplicates: an address twice in the file, or registered
// before, is a duplicate (reported on its line), never an import.
func TestImportCountsDuplicates(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Duplicates")
	ses := h.importSession(owner, nil)
	ann, bob, cid := email("ann"), email("bob"), email("cid")
	h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/registrants", owner.Key, map[string]any{"email": cid})
	csv := "email,name\n" + ann + ",Ann\n" + strings.ToUpper(ann) + ",Ann again\n" + bob + ",Bob\n" + cid + ",Cid\n" + bob + ",Bob again\n"
	imp := h.waitImport(owner.Key, h.importCSV(owner.Key, ses, csv))
	if imp.Status != store.ImportCompleted || imp.Processed != 5 || imp.Imported != 2 || imp.Duplicates != 3 || imp.Failed != 0 {
		t.Fatalf("import counts %+v", imp)
	}
	wantRefusals(t, imp, map[int]string{3: "the same address as line 2", 5: "already registered", 6: "the same address as line 4"})
	if regs := h.registrantsOf(owner.Key, ses); len(regs) != 3 || regs[cid].ImportID != "" || regs[bob].Name != "Bob" {
		t.Fatalf("registrants %+v", regs)
	}
}

// TestImportCancel: a running import stops when cancelled, keeps the people it
// registered (its counters match them), and cannot be cancelled twice.
func TestImportCancel(t *testing.T) {
	db := storetest.Postgres(t)
	h := newHarness(t, db)
	owner := h.signup("Cancel")
	// Room for every row (the Free plan seats 30): what stops the import is the cancel alone.
	h.must(http.StatusOK, "PUT", "/v1/billing/plan", owner.Key, map[string]string{"plan": "enterprise"})
	ses := h.importSession(owner, nil)
	// Hold the session's row: the first registration waits for it, so the
	// import is surely running when the cancel arrives.
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.NewSelect().Model((*store.Session)(nil)).Where("id = ?", ses).For("UPDATE").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("email\n")
	for i := range 1500 {
		fmt.Fprintf(&csv, "p%d-%s@example.com\n", i, strings.ToLower(store.NewSecret(3)))
	}
	id := h.importCSV(owner.Key, ses, csv.String())
	var cancelled store.RegistrantImport
	h.must(http.StatusOK, "POST", "/v1/imports/"+id+"/cancel", owner.Key, nil).json(t, &cancelled)
	if cancelled.Status != store.ImportCancelled {
		t.Fatalf("cancel answered %+v", cancelled)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	err = temporalClient.GetWorkflow(ctx, workflows.RegistrantImportWorkflowID(id), "").Get(ctx, nil)
	if !temporal.IsCanceledError(err) {
		t.Fatalf("import workflow ended with %v, want cancelled", err)
	}
	imp := h.waitImport(owner.Key, id)
	regs := h.registrantsOf(owner.Key, ses)
	if imp.Status != store.ImportCancelled || imp.Processed >= imp.Rows || imp.Imported != imp.Processed || imp.Imported != len(regs) {
		t.Fatalf("cancelled import %+v with %d registrants", imp, len(regs))
	}
	t.Logf("cancelled after %d of %d rows", imp.Processed, imp.Rows)
	wantProblem(t, h.call("POST", "/v1/imports/"+id+"/cancel", owner.Key, nil), http.StatusConflict, "")
}

// TestImportFailsWithTheReason: an import that cannot go on (here its header
// no longer fits the event, whose custom fields changed after the upload)
// ends failed, the reason readable in GET /v1/imports/:id.
func TestImportFailsWithTheReason(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Failing")
	ses := h.importSession(owner, nil)
	t0 := store.Now()
	imp := &store.RegistrantImport{ID: store.NewID("imp"), WorkspaceID: owner.WorkspaceID, SessionID: ses, Status: store.ImportRunning,
		CSV: "email,company\na@example.com,Acme\n", Rows: 1, Errors: []store.ImportError{}, CreatedBy: owner.UserID, CreatedAt: t0, UpdatedAt: t0}
	ctx := context.Background()
	if err := store.Insert(ctx, h.db, imp); err != nil {
		t.Fatal(err)
	}
	run, err := temporalClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.RegistrantImportWorkflowID(imp.ID), TaskQueue: h.queue},
		workflows.RegistrantImport, workflows.RegistrantImportInput{ImportID: imp.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err == nil {
		t.Fatal("the import workflow succeeded")
	}
	got := h.waitImport(owner.Key, imp.ID)
	if got.Status != store.ImportFailed || !strings.Contains(got.Failure, `column "company" is neither email, name nor a custom field`) {
		t.Fatalf("import %+v", got)
	}
	wantProblem(t, h.call("POST", "/v1/imports/"+imp.ID+"/cancel", owner.Key, nil), http.StatusConflict, "")
}
