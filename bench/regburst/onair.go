package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// onairServer is the `onair dev` process under test; stop kills its process group.
type onairServer struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port
	key  string // the benchmark workspace's owner key
}

// freePort is a TCP port nobody listens on now (the machine is shared: no fixed ports).
func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port), nil
}

// startOnair runs `onair dev` on dsn with its data in dir, every address on a free port, and
// 127.0.0.1 (vegeta) as the trusted proxy whose X-Forwarded-For names the client, sending its
// e-mails to smtpURL.
func startOnair(ctx context.Context, o options, dir, dsn, smtpURL string) (*onairServer, error) {
	var ports []string
	for range 5 {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		ports = append(ports, p)
	}
	cmd := exec.Command(o.onairBin, "dev")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+dsn, "ONAIR_DATA_DIR="+filepath.Join(dir, "onair"),
		"ONAIR_HTTP_ADDR=127.0.0.1:"+ports[0], "TEMPORAL_ADDRESS=127.0.0.1:"+ports[1],
		"ONAIR_UI_ADDR=127.0.0.1:"+ports[2], "ONAIR_METRICS_ADDR=127.0.0.1:"+ports[3],
		"ONAIR_MEDIA_ADDR=127.0.0.1:"+ports[4], "ONAIR_TRUSTED_PROXIES=127.0.0.1", "ONAIR_EGRESS=false", "SMTP_URL="+smtpURL)
	cmd.Env = append(cmd.Env, o.env...)
	logFile, err := os.Create(filepath.Join(dir, "onair.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start onair dev: %w", err)
	}
	s := &onairServer{cmd: cmd, base: "http://127.0.0.1:" + ports[0]}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		if res, err := http.Get(s.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.stop()
			return nil, fmt.Errorf("onair dev not ready after 3 minutes (see %s)", logFile.Name())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (s *onairServer) stop() {
	if s.cmd.Process == nil || s.cmd.ProcessState != nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

// call sends a JSON request with the owner's key and decodes the answer into out.
func (s *onairServer) call(ctx context.Context, method, path string, in, out any, want int) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if s.key != "" {
		req.Header.Set("Authorization", "Bearer "+s.key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// setUp signs up, moves to the enterprise plan (3,000 seats a session), creates a published
// event with n sessions two days ahead, and returns each session's registration path.
func (s *onairServer) setUp(ctx context.Context, n int) ([]string, error) {
	var signup struct {
		APIKey struct {
			Secret string `json:"secret"`
		} `json:"api_key"`
	}
	if err := s.call(ctx, http.MethodPost, "/v1/signup", map[string]string{
		"workspace_name": "Burst", "name": "Burst Owner", "email": "owner@burst.test",
	}, &signup, http.StatusCreated); err != nil {
		return nil, err
	}
	s.key = signup.APIKey.Secret
	if err := s.call(ctx, http.MethodPut, "/v1/billing/plan", map[string]string{"plan": "enterprise"}, nil, http.StatusOK); err != nil {
		return nil, err
	}
	var ev struct {
		ID string `json:"id"`
	}
	if err := s.call(ctx, http.MethodPost, "/v1/events", map[string]string{"title": "Launch"}, &ev, http.StatusCreated); err != nil {
		return nil, err
	}
	if err := s.call(ctx, http.MethodPost, "/v1/events/"+ev.ID+"/publish", nil, nil, http.StatusOK); err != nil {
		return nil, err
	}
	var paths []string
	for range n {
		var ses struct {
			ID string `json:"id"`
		}
		if err := s.call(ctx, http.MethodPost, "/v1/events/"+ev.ID+"/sessions", map[string]any{
			"starts_at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339), "duration_minutes": 30, "timezone": "UTC",
		}, &ses, http.StatusCreated); err != nil {
			return nil, err
		}
		paths = append(paths, "/v1/public/sessions/"+ses.ID+"/registrations")
	}
	return paths, nil
}
