package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/onairhq/onair/workflows"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// devProcess runs `onair dev` in-process until stop is called.
type devProcess struct {
	cfg  config
	stop context.CancelFunc
	done chan error
}

func startDev(t *testing.T, cfg config) *devProcess {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := &devProcess{cfg: cfg, stop: cancel, done: make(chan error, 1)}
	go func() { p.done <- runDev(ctx, cfg) }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		res, err := http.Get(cfg.PublicURL + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case err := <-p.done:
			t.Fatalf("onair dev exited before it was ready: %v", err)
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("onair dev not ready within 2 minutes")
		}
	}
}

// shutdown is Ctrl-C: the process must return cleanly.
func (p *devProcess) shutdown(t *testing.T) {
	t.Helper()
	p.stop()
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("onair dev shut down with %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("onair dev did not shut down within a minute")
	}
}

// scrapeWorkerMetrics reads /metrics at the worker's metrics address, as Prometheus would,
// and looks for a metric only a running worker reports.
func scrapeWorkerMetrics(t *testing.T, addr string) {
	t.Helper()
	res, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("scrape the worker's metrics under onair dev: %v", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "temporal_worker_start") {
		t.Fatalf("worker metrics at %s: %d, no temporal_worker_start in:\n%.2000s", addr, res.StatusCode, body)
	}
	if !strings.Contains(string(body), "onair_media_rooms{") { // the media service shares the process
		t.Fatalf("no media metrics (onair_media_rooms) at %s", addr)
	}
}

func send(t *testing.T, method, url, key string, body any) (int, map[string]any) {
	t.Helper()
	var data []byte
	if body != nil {
		data, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, url, bytes.NewReader(data))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// TestDevRunsTheREADMEWalkThroughAndRestartsOnTheSameData starts `onair dev`
// on free ports, checks the Web UI, follows the README's sign-up → invite →
// accept with the token from the e-mail file, deletes a workspace through its
// workflow, stops it like Ctrl-C, and starts it again on the same data.
func TestDevRunsTheREADMEWalkThroughAndRestartsOnTheSameData(t *testing.T) {
	dir := t.TempDir()
	httpAddr := freeAddr(t)
	cfg := config{
		HTTPAddr: httpAddr, PublicURL: "http://" + httpAddr, DataDir: dir,
		TemporalAddress: freeAddr(t), TemporalNamespace: "default", UIAddr: freeAddr(t), MetricsAddr: freeAddr(t),
		MailFrom: "onair <noreply@onair.test>", LogLevel: "warn", LogFormat: "text",
	}
	dev := startDev(t, cfg)
	api := cfg.PublicURL
	scrapeWorkerMetrics(t, cfg.MetricsAddr)

	res, err := http.Get("http://" + cfg.UIAddr + "/")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("Temporal Web UI: %v %v", res, err)
	}
	res.Body.Close()

	bootstrap, err := os.ReadFile(filepath.Join(dir, bootstrapKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(string(bootstrap))
	if status, ws := send(t, "GET", api+"/v1/workspace", key, nil); status != http.StatusOK || ws["name"] != "My workspace" {
		t.Fatalf("bootstrap key: %d %v", status, ws)
	}

	status, signup := send(t, "POST", api+"/v1/signup", "", map[string]string{"workspace_name": "Acme Webinars", "name": "Ada Owner", "email": "ada@acme.test"})
	if status != http.StatusCreated {
		t.Fatalf("signup: %d %v", status, signup)
	}
	owner := signup["api_key"].(map[string]any)["secret"].(string)
	// The Free plan is single-host: the README upgrades before inviting (the local provider
	// accepts the payment offline).
	if status, plan := send(t, "PUT", api+"/v1/billing/plan", owner, map[string]string{"plan": "pro"}); status != http.StatusOK {
		t.Fatalf("upgrade: %d %v", status, plan)
	}
	status, invited := send(t, "POST", api+"/v1/invitations", owner, map[string]string{"email": "bob@acme.test", "role": "admin"})
	if status != http.StatusCreated {
		t.Fatalf("invite: %d", status)
	}
	mails, _ := filepath.Glob(filepath.Join(dir, "mail", "*.eml"))
	var token []byte
	for _, m := range mails {
		eml, _ := os.ReadFile(m)
		// Undo quoted-printable's soft line breaks, which may cut the token in two.
		eml = bytes.ReplaceAll(eml, []byte("=\r\n"), nil)
		if token = regexp.MustCompile(`inv_[0-9a-z]{30,}`).Find(eml); token != nil {
			// Sent again, the invitation would read as the same e-mail.
			if id := fmt.Sprint("Message-ID: <", invited["id"], "@onair.test>"); !bytes.Contains(eml, []byte(id)) {
				t.Errorf("invitation e-mail without %q:\n%s", id, eml)
			}
			break
		}
	}
	if token == nil {
		t.Fatalf("no invitation e-mail with a token among %v", mails)
	}
	status, accepted := send(t, "POST", api+"/v1/invitations/accept", "", map[string]string{"token": string(token), "name": "Bob Admin"})
	if status != http.StatusCreated || accepted["member"].(map[string]any)["role"] != "admin" {
		t.Fatalf("accept: %d %v", status, accepted)
	}

	// A second workspace to delete through the WorkspaceDeletion workflow.
	_, doomed := send(t, "POST", api+"/v1/signup", "", map[string]string{"workspace_name": "Doomed", "name": "D", "email": "d@acme.test"})
	doomedKey := doomed["api_key"].(map[string]any)["secret"].(string)
	if status, _ := send(t, "DELETE", api+"/v1/workspace", doomedKey, nil); status != http.StatusAccepted {
		t.Fatalf("delete workspace: %d", status)
	}
	dev.shutdown(t)

	dev = startDev(t, cfg)
	defer dev.shutdown(t)
	again, _ := os.ReadFile(filepath.Join(dir, bootstrapKeyFile))
	if strings.TrimSpace(string(again)) != key {
		t.Fatal("the bootstrap key changed across a restart")
	}
	if status, ws := send(t, "GET", api+"/v1/workspace", owner, nil); status != http.StatusOK || ws["name"] != "Acme Webinars" {
		t.Fatalf("after restart: %d %v", status, ws)
	}
	if status, members := send(t, "GET", api+"/v1/members", owner, nil); status != http.StatusOK || len(members["data"].([]any)) != 2 {
		t.Fatalf("members after restart: %d %v", status, members)
	}
	if status, _ := send(t, "GET", api+"/v1/workspace", doomedKey, nil); status != http.StatusUnauthorized {
		t.Fatalf("deleted workspace's key after restart: %d", status)
	}
	tc, err := client.Dial(client.Options{HostPort: cfg.TemporalAddress, Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	// A worker that stops just after polling an activity task drops it (the Temporal SDK
	// neither runs nor fails it while stopping): the server hands it to the restarted worker
	// only when its StartToCloseTimeout of 5 minutes has passed. On a loaded machine the
	// restart can land in that window, so allow for one such timeout.
	ctx, cancel := context.WithTimeout(context.Background(), 7*time.Minute)
	defer cancel()
	doomedID := doomed["workspace"].(map[string]any)["id"].(string)
	var erased workflows.WorkspaceDeletionResult
	if err := tc.GetWorkflow(ctx, workflows.WorkspaceDeletionWorkflowID(doomedID), "").Get(ctx, &erased); err != nil {
		t.Fatalf("deletion workflow across the restart: %v", err)
	}
}
