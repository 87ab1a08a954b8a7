package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// `onair media` serves health, the signaling endpoint and the control API keyed by the
// secret; it refuses to start without a secret and stops cleanly.
func TestMediaCommand(t *testing.T) {
	if err := runMedia(context.Background(), config{LogLevel: "warn", LogFormat: "text"}); err == nil {
		t.Fatal("onair media started without ONAIR_MEDIA_SECRET")
	}
	addr := freeAddr(t)
	cfg := config{MediaAddr: addr, MediaURL: "http://" + addr, MediaSecret: "s3cret", LogLevel: "warn", LogFormat: "text",
		MediaMetricsAddr: freeAddr(t)}
	if err := runMedia(context.Background(), cfg); err == nil {
		t.Fatal("onair media started without DATABASE_URL")
	}
	db := storetest.Postgres(t)
	cfg.DatabaseURL = storetest.PostgresURLOf(t, db) // the node registers itself there
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runMedia(ctx, cfg) }()

	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(cfg.MediaURL + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("onair media not healthy within 30s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The metrics are on their own listener, not on the public one.
	if body := httpGetBody(t, "http://"+cfg.MediaMetricsAddr+"/metrics"); !strings.Contains(body, "onair_media_rooms{") ||
		!strings.Contains(body, "go_goroutines") {
		t.Errorf("media metrics lack onair_media_rooms or the Go metrics:\n%.2000s", body)
	}
	if res, err := http.Get(cfg.MediaURL + "/metrics"); err == nil {
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			t.Error("the public media listener serves /metrics")
		}
	}
	for key, want := range map[string]int{"wrong": http.StatusUnauthorized, mediactl.ControlKey([]byte("s3cret")): http.StatusOK} {
		req, _ := http.NewRequest("POST", cfg.MediaURL+"/control/rooms/ses_1/open", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("open room with key %.6s…: %d, want %d", key, res.StatusCode, want)
		}
	}
	res, err := http.Get(cfg.MediaURL + jointoken.SignalPath)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUpgradeRequired && res.StatusCode != http.StatusBadRequest {
		t.Errorf("plain GET of the signaling endpoint: %d, want a WebSocket upgrade refusal", res.StatusCode)
	}
	var alive []store.MediaNode
	mediatest.WaitFor(t, "the node registered", func() bool { // it registers once it listens
		alive, err = store.AliveMediaNodes(context.Background(), db, time.Now().Add(-time.Minute))
		return err == nil && len(alive) == 1
	})
	if alive[0].PublicURL != cfg.MediaURL || alive[0].ControlURL != cfg.MediaURL || alive[0].Capacity != defaultMediaCapacity {
		t.Fatalf("registered media node %+v, want one at %s", alive[0], cfg.MediaURL)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("onair media stopped with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("onair media did not stop")
	}
	if n := storetest.Count(t, db, (*store.MediaNode)(nil), "true"); n != 0 {
		t.Fatalf("%d media nodes registered after a clean stop, want none", n)
	}
}

// `onair dev` generates the media secret when none is set and its media service verifies join
// tokens signed with it (the API is handed the same cfg.MediaSecret).
func TestDevMediaGeneratesItsSecret(t *testing.T) {
	cfg := config{LogLevel: "warn", LogFormat: "text"}
	log, err := cfg.logger()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done, err := startDevMedia(ctx, &cfg, storetest.SQLite(t), prometheus.NewRegistry(), log)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.MediaSecret) < 32 || cfg.MediaURL == "" {
		t.Fatalf("media secret %d chars, URL %q", len(cfg.MediaSecret), cfg.MediaURL)
	}
	tok, err := jointoken.Sign([]byte(cfg.MediaSecret), jointoken.Claims{SessionID: "ses_1", PersonID: "mem_1",
		Role: authz.SessionHost, Name: "Host", MediaURL: cfg.MediaURL, ExpiresAt: time.Now().Add(time.Minute).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	dialCtx, stop := context.WithTimeout(ctx, 30*time.Second)
	defer stop()
	ws, _, err := websocket.Dial(dialCtx, "ws"+strings.TrimPrefix(cfg.MediaURL, "http")+jointoken.SignalPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if err := wsjson.Write(dialCtx, ws, wire.Frame{Type: wire.FrameJoin, Session: "ses_1", Token: tok}); err != nil {
		t.Fatal(err)
	}
	var f wire.Frame
	if err := wsjson.Read(dialCtx, ws, &f); err != nil || f.Type != wire.FrameJoined || f.Role != "host" {
		t.Fatalf("join answered %+v, %v", f, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("dev media stopped with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("dev media did not stop")
	}
}

func httpGetBody(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, res.StatusCode, err)
	}
	return string(b)
}
