package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/api"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// secretShapes are the secrets onair hands out: API keys, invitation tokens, the clear join
// secrets of earlier builds and the derived personal links (join and cancel).
var secretShapes = []*regexp.Regexp{
	regexp.MustCompile(`onair_[0-9a-z]{20,}`),
	regexp.MustCompile(`inv_[0-9a-z]{30,}`),
	regexp.MustCompile(`join_[0-9a-z]{16,}`),
	regexp.MustCompile(`[jc]1\.[a-z]+_[0-9a-z]{24}\.[A-Za-z0-9_-]{32}`),
	regexp.MustCompile(`whsec_[A-Za-z0-9+/=]{20,}`),
}

// personalLinks finds the join and cancel link secrets in an e-mail.
var personalLinks = regexp.MustCompile(`/(?:join|cancel)/([jc]1\.[a-z]+_[0-9a-z]{24}\.[A-Za-z0-9_-]{32})`)

// TestNoSecretsAtRest drives every way onair hands out a secret (sign-up, invitation
// accept, API key creation, each with an Idempotency-Key; registrations and a speaker, whose
// links are e-mailed), checks the secrets work, then reads every text, bytea and JSON column
// of every table: none may hold one of them (api_keys.hash and invitations.token_hash hold
// hashes, api_keys.prefix the first 6 characters after "onair_").
func TestNoSecretsAtRest(t *testing.T) {
	h := newHarness(t, storetest.Postgres(t))
	var handedOut []string

	// Public routes take no Idempotency-Key: repeating someone's sign-up with their key
	// never replays their owner key.
	signup := map[string]string{"workspace_name": "Secrets", "name": "Olga Owner", "email": email("olga")}
	first := h.must(http.StatusCreated, "POST", "/v1/signup", "", signup, "Idempotency-Key", "signup-1")
	owner := account{Key: first.field(t, "api_key", "secret"), WorkspaceID: first.field(t, "workspace", "id")}
	handedOut = append(handedOut, owner.Key)
	again := h.call("POST", "/v1/signup", "", signup, "Idempotency-Key", "signup-1")
	if again.Header.Get("Idempotent-Replayed") != "" || strings.Contains(string(again.Body), owner.Key) {
		t.Fatalf("a repeated sign-up got the first one's answer: %d %s", again.Status, again.Body)
	}
	handedOut = append(handedOut, secretShapes[0].FindAllString(string(again.Body), -1)...)
	h.must(http.StatusOK, "PUT", "/v1/billing/plan", owner.Key, map[string]string{"plan": "business"})

	invitee := email("ivan")
	h.must(http.StatusCreated, "POST", "/v1/invitations", owner.Key, map[string]string{"email": invitee, "role": "admin"}, "Idempotency-Key", "invite-1")
	token := h.lastToken(invitee)
	accept := map[string]string{"token": token, "name": "Ivan Admin"}
	admin := h.must(http.StatusCreated, "POST", "/v1/invitations/accept", "", accept, "Idempotency-Key", "accept-1").field(t, "api_key", "secret")
	wantProblem(t, h.call("POST", "/v1/invitations/accept", "", accept, "Idempotency-Key", "accept-1"), http.StatusConflict, "")
	handedOut = append(handedOut, token, admin)

	ci := h.must(http.StatusCreated, "POST", "/v1/api-keys", owner.Key, map[string]string{"name": "ci"}, "Idempotency-Key", "key-1").field(t, "secret")
	h.must(http.StatusConflict, "POST", "/v1/api-keys", owner.Key, map[string]string{"name": "ci"}, "Idempotency-Key", "key-1")
	handedOut = append(handedOut, ci)
	for _, key := range []string{owner.Key, admin, ci} {
		h.must(http.StatusOK, "GET", "/v1/workspace", key, nil)
	}
	hook := h.must(http.StatusCreated, "POST", "/v1/webhooks", owner.Key,
		map[string]any{"url": "https://hooks.example.com/onair", "events": []string{"registrant.created"}}, "Idempotency-Key", "hook-1")
	whsec := hook.field(t, "secret")
	if whsec != testLinkKey.WebhookSecret(hook.field(t, "id"), 0) {
		t.Fatalf("webhook secret %q is not the one derived for its endpoint", whsec)
	}
	h.must(http.StatusConflict, "POST", "/v1/webhooks", owner.Key,
		map[string]any{"url": "https://hooks.example.com/onair", "events": []string{"registrant.created"}}, "Idempotency-Key", "hook-1")
	handedOut = append(handedOut, whsec)

	// Registrations (public and by the organizer, idempotent) and a speaker: their links
	// are e-mailed, and work.
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{"title": "Secrets"}, "Idempotency-Key", "event-1").field(t, "id")
	h.must(http.StatusOK, "POST", "/v1/events/"+ev+"/publish", owner.Key, nil)
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
		map[string]any{"starts_at": future(time.Hour), "duration_minutes": 15, "timezone": "UTC"}, "Idempotency-Key", "session-1").field(t, "id")
	ann, bob, sam := email("ann"), email("bob"), email("sam")
	h.must(http.StatusCreated, "POST", "/v1/public/sessions/"+ses+"/registrations", "", map[string]any{"email": ann, "name": "Ann"})
	h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/registrants", owner.Key, map[string]any{"email": bob, "name": "Bob"}, "Idempotency-Key", "bob-1")
	h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/registrants", owner.Key, map[string]any{"email": bob, "name": "Bob"}, "Idempotency-Key", "bob-1")
	h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/staff", owner.Key, map[string]any{"email": sam, "name": "Sam", "role": "speaker"})
	for _, m := range []struct{ to, about string }{{ann, "You are registered"}, {bob, "You are registered"}, {sam, "You are a speaker"}} {
		_, text := h.waitMail(m.to, m.about)
		links := personalLinks.FindAllStringSubmatch(text, -1)
		if len(links) == 0 {
			t.Fatalf("the e-mail to %s has no personal link:\n%s", m.to, text)
		}
		for _, l := range links {
			handedOut = append(handedOut, l[1])
		}
		if res := h.openLink(links[0][1]); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s's join link %s: %d", m.to, links[0][1], res.StatusCode)
		}
	}

	// The scan finds a secret where one is (a planted copy), and none elsewhere.
	ctx := context.Background()
	planted := &store.IdempotencyRecord{Scope: "planted", Key: "planted", RequestHash: "h", StatusCode: 201,
		Body: []byte(`{"secret":"` + ci + `"}`), CreatedAt: store.Now()}
	if err := store.Insert(ctx, h.db, planted); err != nil {
		t.Fatal(err)
	}
	if hits := secretsAtRest(t, h.db, handedOut); !slices.Contains(hits, "idempotency_keys.body") {
		t.Fatalf("the scan missed a planted secret: %v", hits)
	}
	if _, err := h.db.NewDelete().Model(planted).WherePK().Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if hits := secretsAtRest(t, h.db, handedOut); len(hits) > 0 {
		t.Fatalf("secrets at rest in %v", hits)
	}
}

// secretsAtRest names the columns (table.column) where any of these secrets, or anything
// shaped like one, is stored.
func secretsAtRest(t *testing.T, db *bun.DB, secrets []string) []string {
	t.Helper()
	ctx := context.Background()
	var columns []struct{ TableName, ColumnName, DataType string }
	err := db.NewRaw(`SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND data_type IN (?) ORDER BY table_name, column_name`,
		bun.In([]string{"character varying", "text", "character", "json", "jsonb", "bytea", "ARRAY"})).Scan(ctx, &columns)
	if err != nil {
		t.Fatal(err)
	}
	if len(columns) < 50 {
		t.Fatalf("only %d text columns in the schema: %v", len(columns), columns)
	}
	var hits []string
	for _, c := range columns {
		text := "CAST(? AS text)"
		if c.DataType == "bytea" {
			text = "encode(?, 'escape')"
		}
		var values []string
		err := db.NewRaw("SELECT "+text+" FROM ? WHERE ? IS NOT NULL", bun.Ident(c.ColumnName), bun.Ident(c.TableName), bun.Ident(c.ColumnName)).Scan(ctx, &values)
		if err != nil {
			t.Fatalf("read %s.%s: %v", c.TableName, c.ColumnName, err)
		}
		for _, v := range values {
			if holdsSecret(v, secrets) {
				hits = append(hits, c.TableName+"."+c.ColumnName)
				t.Logf("%s.%s holds a secret: %.200s", c.TableName, c.ColumnName, v)
				break
			}
		}
	}
	return hits
}

func holdsSecret(v string, secrets []string) bool {
	for _, s := range secrets {
		if strings.Contains(v, s) {
			return true
		}
	}
	for _, shape := range secretShapes {
		if shape.MatchString(v) {
			return true
		}
	}
	return false
}

// A creating POST whose answer holds a secret keeps no copy of it: the same request and
// Idempotency-Key again answers 409 with the id of the key the first one created, and creates
// nothing.
func TestSecretAnswersAreNotReplayed(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Shown once")
	first := h.must(http.StatusCreated, "POST", "/v1/api-keys", owner.Key, map[string]string{"name": "ci"}, "Idempotency-Key", "ci-1")
	secret := first.field(t, "secret")
	for range 2 {
		again := h.call("POST", "/v1/api-keys", owner.Key, map[string]string{"name": "ci"}, "Idempotency-Key", "ci-1")
		p := wantProblem(t, again, http.StatusConflict, "")
		if p["type"] != "https://onair.dev/problems/secret-shown-once" || p["created_id"] != first.field(t, "id") ||
			again.Header.Get("Idempotent-Replayed") != "true" || strings.Contains(string(again.Body), secret) {
			t.Fatalf("retry answered %s %v", again.Body, again.Header)
		}
	}
	var keys struct{ Data []store.APIKey }
	h.must(http.StatusOK, "GET", "/v1/api-keys", owner.Key, nil).json(t, &keys)
	if len(keys.Data) != 2 { // the sign-up's and ci
		t.Fatalf("%d keys after a retried creation, want 2", len(keys.Data))
	}
	var bodies []string
	if err := h.db.NewSelect().Model((*store.IdempotencyRecord)(nil)).Column("body").Scan(context.Background(), &bodies); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 1 || strings.Contains(bodies[0], secret) || !strings.Contains(bodies[0], first.field(t, "id")) {
		t.Fatalf("kept answers %q", bodies)
	}

	// Routes without a secret still replay their answer; public routes take no key at all.
	for _, op := range h.documentedOps() {
		if op.Public && op.Idempotent {
			t.Errorf("%s is public and honours an Idempotency-Key: anyone repeating a request would get its answer", op)
		}
	}
}

// The sweep deletes the records past their TTL (which are no longer replayed anyway) and
// keeps the others.
func TestSweepDeletesExpiredIdempotencyRecords(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	for i, created := range []time.Time{store.Now().Add(-store.IdempotencyTTL - time.Second), store.Now()} {
		rec := &store.IdempotencyRecord{Scope: "ws_1/usr_1", Key: fmt.Sprint(i), RequestHash: "h", StatusCode: 201, Body: []byte(`{}`), CreatedAt: created}
		if err := store.Insert(ctx, db, rec); err != nil {
			t.Fatal(err)
		}
	}
	s := api.New(api.Params{DB: db, Log: slog.New(slog.DiscardHandler)})
	sweepCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); s.Sweep(sweepCtx, time.Hour) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var keys []string
		if err := db.NewSelect().Model((*store.IdempotencyRecord)(nil)).Column("key").Scan(ctx, &keys); err != nil {
			t.Fatal(err)
		}
		if slices.Equal(keys, []string{"1"}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("records left %v, want only the fresh one", keys)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	<-done
}

// A link e-mailed by an earlier build (its clear secret now only hashed) keeps opening the room
// and cancelling; the retention erasure voids it and the derived link alike.
func TestLegacyLinksWorkUntilErased(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Links")
	ses := approvalSession(t, h, owner)
	ctx := context.Background()
	legacyOf := func(id string) string {
		legacy := "join_" + store.NewSecret(20)
		_, err := h.db.NewUpdate().Model((*store.Registrant)(nil)).Set("legacy_link_hash = ?", store.HashSecret(legacy)).Where("id = ?", id).Exec(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return legacy
	}
	register := func(who string) string {
		id := h.must(http.StatusCreated, "POST", "/v1/public/sessions/"+ses+"/registrations", "", map[string]any{"email": email(who), "name": who}).field(t, "id")
		h.must(http.StatusOK, "POST", "/v1/registrants/"+id+"/approve", owner.Key, nil)
		return id
	}
	ann, bob := register("ann"), register("bob")
	annLegacy, annDerived, bobLegacy := legacyOf(ann), joinTokenOf[store.Registrant](t, h, ann), legacyOf(bob)

	for _, secret := range []string{annLegacy, annDerived} {
		if res := h.openLink(secret); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("link %s: %d, want the room", secret, res.StatusCode)
		}
	}
	if got := h.must(http.StatusOK, "POST", "/v1/public/registrations/cancel", "", map[string]any{"token": bobLegacy}).field(t, "status"); got != store.RegistrantCancelled {
		t.Fatalf("cancel by a legacy link: %s", got)
	}

	if _, err := store.EraseSessionContent(ctx, h.db, owner.WorkspaceID, ses); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{annLegacy, annDerived} {
		wantHTMLPage(t, h.openLink(secret), http.StatusNotFound, "not valid")
	}
}
