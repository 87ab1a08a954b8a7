package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/api"
	"github.com/onairhq/onair/cli"
	"github.com/onairhq/onair/devserver"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/outbound"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
	"github.com/onairhq/onair/worker"
	"github.com/onairhq/onair/workflows"
)

// testAPI is the real API over a real store, with an embedded Temporal server and a
// worker so that imports run; it answers the key of a new workspace's owner.
func testAPI(t *testing.T) (url, key string) {
	t.Helper()
	quiet := slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := devserver.Start(ctx, devserver.Options{FrontendAddress: "127.0.0.1:0", SearchAttributes: workflows.SearchAttributes(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	tc, err := client.Dial(client.Options{HostPort: srv.FrontendAddress(), Logger: sdklog.NewStructuredLogger(quiet)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	db := storetest.SQLite(t)
	sender, err := mail.NewFileSender(t.TempDir(), "onair <noreply@onair.test>")
	if err != nil {
		t.Fatal(err)
	}
	links := store.LinkKey("0c6f5a3e9b1d7c2f8a40e6b3d9c1f7a24f1c9a7e2b8d0c6f")
	receivers := outbound.Policy{AllowPrivate: true} // webhook receivers on this machine
	w, err := worker.New(worker.Params{Client: tc, TaskQueue: "cli-test",
		Activities: &activities.Activities{DB: db, Mail: sender, Log: quiet, Links: links, Webhooks: receivers}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	s := api.New(api.Params{DB: db, Mail: sender, Log: quiet, Temporal: tc, TaskQueue: "cli-test", BaseURL: "http://onair.test", LinkKey: links, Webhooks: receivers})
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	body := `{"workspace_name":"Lumière","name":"Ann","email":"ann@example.com"}`
	res, err := http.Post(hs.URL+"/v1/signup", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var signedUp struct {
		APIKey struct {
			Secret string `json:"secret"`
		} `json:"api_key"`
	}
	if err := json.NewDecoder(res.Body).Decode(&signedUp); err != nil || signedUp.APIKey.Secret == "" {
		t.Fatalf("sign up: %d %v", res.StatusCode, err)
	}
	return hs.URL, signedUp.APIKey.Secret
}

// run runs the command line with ONAIR_API_KEY and ONAIR_LANG set, and answers its exit
// code, output and error output.
func run(key, lang string, args ...string) (int, string, string) {
	env := map[string]string{"ONAIR_API_KEY": key, "ONAIR_LANG": lang}
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCommandLineAgainstTheAPI(t *testing.T) {
	url, key := testAPI(t)

	code, out, errOut := run(key, "en", "--api-url", url, "events", "create", "Launch day")
	if code != 0 || !strings.Contains(out, "created") {
		t.Fatalf("events create: %d %q %q", code, out, errOut)
	}
	code, out, errOut = run(key, "en", "events", "list", "--json", "--api-url="+url)
	var events []struct{ ID, Title string }
	if code != 0 || json.Unmarshal([]byte(out), &events) != nil || len(events) != 1 || events[0].Title != "Launch day" {
		t.Fatalf("events list --json: %d %q %q", code, out, errOut)
	}
	code, out, _ = run(key, "fr", "--api-url", url, "events", "list")
	if code != 0 || !strings.Contains(out, "TITRE") || !strings.Contains(out, "Launch day") || !strings.Contains(out, "non") {
		t.Fatalf("events list in French: %d %q", code, out)
	}

	code, out, errOut = run(key, "en", "--api-url", url, "--json", "sessions", "create", events[0].ID, "2030-06-01T09:00:00Z", "20", "Europe/Paris")
	var session struct{ ID string }
	if code != 0 || json.Unmarshal([]byte(out), &session) != nil || session.ID == "" {
		t.Fatalf("sessions create: %d %q %q", code, out, errOut)
	}

	csv := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(csv, []byte("email,name\nbob@example.com,Bob\ncleo@example.com,Cléo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(key, "fr", "--api-url", url, "registrants", "import", session.ID, csv)
	if code != 0 || !strings.Contains(out, "2 lignes") {
		t.Fatalf("registrants import: %d %q %q", code, out, errOut)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, out, errOut = run(key, "en", "--api-url", url, "--json", "registrants", "list", session.ID)
		var regs []struct{ Email string }
		if code != 0 || json.Unmarshal([]byte(out), &regs) != nil {
			t.Fatalf("registrants list: %d %q %q", code, out, errOut)
		}
		if len(regs) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the import registered %d people, want 2: %s", len(regs), out)
		}
		time.Sleep(100 * time.Millisecond) // polling the import's progress, as a person would
	}

	code, out, errOut = run(key, "en", "--api-url", url, "registrants", "export", session.ID, "xlsx", filepath.Join(t.TempDir(), "r.xlsx"))
	if code != 0 || !strings.Contains(out, "r.xlsx") {
		t.Fatalf("registrants export: %d %q %q", code, out, errOut)
	}
}

func TestCommandLineErrors(t *testing.T) {
	url, _ := testAPI(t)
	code, _, errOut := run("wrong", "fr", "--api-url", url, "events", "list")
	if code != 1 || !strings.HasPrefix(errOut, "Erreur 401") {
		t.Fatalf("a bad key: %d %q", code, errOut)
	}
	code, _, errOut = run("wrong", "en", "--api-url", url, "events", "nothing")
	if code != 2 || !strings.Contains(errOut, "onair events list") {
		t.Fatalf("an unknown command: %d %q", code, errOut)
	}
}

// TestCommandLineWebhooks: an operator lists an endpoint's deliveries and sends one again,
// or every event since a time, from the command line.
func TestCommandLineWebhooks(t *testing.T) {
	url, key := testAPI(t)
	var received atomic.Int32
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { received.Add(1) }))
	t.Cleanup(receiver.Close)
	var hook struct{ ID string }
	post(t, url+"/v1/webhooks", key, `{"url":"`+receiver.URL+`/hooks","events":["*"]}`, &hook)
	post(t, url+"/v1/webhooks/"+hook.ID+"/test", key, ``, nil)

	var deliveries []struct{ ID, Status string }
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, out, errOut := run(key, "en", "--api-url", url, "--json", "webhooks", "deliveries", hook.ID)
		if code != 0 || json.Unmarshal([]byte(out), &deliveries) != nil || len(deliveries) != 1 {
			t.Fatalf("webhooks deliveries: %d %q %q", code, out, errOut)
		}
		if deliveries[0].Status == "delivered" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the test event was not delivered: %s", out)
		}
		time.Sleep(100 * time.Millisecond) // the relay's pass, as an operator would wait for it
	}
	code, out, _ := run(key, "fr", "--api-url", url, "webhooks", "deliveries", hook.ID)
	if code != 0 || !strings.Contains(out, "ESSAIS") || !strings.Contains(out, "delivered") {
		t.Fatalf("deliveries in French: %d %q", code, out)
	}
	code, out, errOut := run(key, "en", "--api-url", url, "webhooks", "redeliver", hook.ID, deliveries[0].ID)
	if code != 0 || !strings.Contains(out, "queued again") {
		t.Fatalf("redeliver one: %d %q %q", code, out, errOut)
	}
	code, out, errOut = run(key, "fr", "--api-url", url, "webhooks", "redeliver", hook.ID, time.Now().Add(-time.Hour).UTC().Format(time.RFC3339))
	if code != 0 || !strings.Contains(out, "remis en file") {
		t.Fatalf("redeliver since: %d %q %q", code, out, errOut)
	}
	// The test event is not in the endpoint's history of subscribed events: "since" queues
	// none, and the receiver gets it twice, sent and sent again.
	for deadline := time.Now().Add(30 * time.Second); received.Load() < 2; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the receiver got %d requests, want the test event twice", received.Load())
		}
	}
}

// post sends a JSON body to the API with key and decodes the answer into v (when not nil).
func post(t *testing.T, url, key, body string, v any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		t.Fatalf("POST %s: %d", url, res.StatusCode)
	}
	if v != nil {
		if err := json.NewDecoder(res.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
}
