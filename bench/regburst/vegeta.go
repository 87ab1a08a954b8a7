package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// target is one line of vegeta's JSON target format (-format=json); the body is base64,
// which encoding/json does for a []byte.
type target struct {
	Method string              `json:"method"`
	URL    string              `json:"url"`
	Body   []byte              `json:"body"`
	Header map[string][]string `json:"header"`
}

// writeTargets writes n registrations numbered from first, spread over paths in turn, each with
// a unique e-mail and its own client address (10.x.y.z from its number) in X-Forwarded-For.
func writeTargets(dir, name, base string, paths []string, n, first int) (string, error) {
	file := filepath.Join(dir, name+".targets.json")
	f, err := os.Create(file)
	if err != nil {
		return "", err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for i := first; i < first+n; i++ {
		body, _ := json.Marshal(map[string]any{"email": fmt.Sprintf("burst%07d@example.com", i), "name": "Person " + strconv.Itoa(i)})
		t := target{Method: http.MethodPost, URL: base + paths[i%len(paths)], Body: body, Header: map[string][]string{
			"Content-Type":    {"application/json"},
			"X-Forwarded-For": {fmt.Sprintf("10.%d.%d.%d", i>>16&0xff, i>>8&0xff, i&0xff)},
		}}
		if err := enc.Encode(t); err != nil {
			f.Close()
			return "", err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return "", err
	}
	return file, f.Close()
}

// vegetaReport is the part of `vegeta report -type=json` the benchmark prints.
type vegetaReport struct {
	Latencies struct {
		P50  time.Duration `json:"50th"`
		P90  time.Duration `json:"90th"`
		P99  time.Duration `json:"99th"`
		Max  time.Duration `json:"max"`
		Mean time.Duration `json:"mean"`
	} `json:"latencies"`
	Duration    time.Duration  `json:"duration"`
	Wait        time.Duration  `json:"wait"`
	Requests    int            `json:"requests"`
	Rate        float64        `json:"rate"`
	Throughput  float64        `json:"throughput"`
	Success     float64        `json:"success"`
	StatusCodes map[string]int `json:"status_codes"`
	Errors      []string       `json:"errors"`
}

// attack runs vegeta as its own process: rate requests a second for d from at most clients
// workers over as many keep-alive connections, then its JSON report of the results.
func attack(ctx context.Context, o options, targets string, rate int, d time.Duration) (*vegetaReport, error) {
	results := targets + ".bin"
	args := []string{"attack", "-format=json", "-targets=" + targets, "-output=" + results,
		"-rate=" + strconv.Itoa(rate) + "/s", "-duration=" + d.String(),
		"-workers=" + strconv.Itoa(o.clients), "-max-workers=" + strconv.Itoa(o.clients),
		"-connections=" + strconv.Itoa(o.clients), "-timeout=60s"}
	cmd := exec.CommandContext(ctx, o.vegetaBin, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("vegeta attack: %w", err)
	}
	out, err := exec.CommandContext(ctx, o.vegetaBin, "report", "-type=json", results).Output()
	if err != nil {
		return nil, fmt.Errorf("vegeta report: %w", err)
	}
	var r vegetaReport
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("vegeta report: %w", err)
	}
	return &r, nil
}
