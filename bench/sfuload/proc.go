package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, 100 on every Linux this runs on (no cgo for sysconf).
const clockTicks = 100

// server is one SFU process the generator started; stop kills its whole process group.
type server struct {
	cmd *exec.Cmd
}

// startServer runs argv pinned to cpu with taskset, in its own process group, killed if the
// generator dies (Pdeathsig) or stop is called.
func startServer(cpu string, env []string, argv ...string) (*server, io.Reader, error) {
	cmd := exec.Command("taskset", append([]string{"-c", cpu}, argv...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Stderr = io.Discard
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	return &server{cmd: cmd}, stdout, nil
}

func (s *server) pid() int { return s.cmd.Process.Pid } // taskset execs the server in place

func (s *server) stop() {
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	_ = s.cmd.Wait()
}

// cpuTimes is the user and system CPU seconds pid has used so far.
type cpuTimes struct{ user, sys float64 }

func (c cpuTimes) total() float64 { return c.user + c.sys }

// cpuSeconds reads utime and stime of pid.
func cpuSeconds(pid int) (cpuTimes, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return cpuTimes{}, err
	}
	// Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
	fields := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	utime, err1 := strconv.ParseFloat(fields[11], 64)
	stime, err2 := strconv.ParseFloat(fields[12], 64)
	if err1 != nil || err2 != nil {
		return cpuTimes{}, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	return cpuTimes{user: utime / clockTicks, sys: stime / clockTicks}, nil
}

// rssBytes is VmRSS of pid.
func rssBytes(pid int) (float64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// waitHTTP waits until something answers HTTP at url (any status).
func waitHTTP(ctx context.Context, url string) error {
	for {
		resp, err := http.Get(url)
		if err == nil {
			_ = resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not up: %w", url, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// waitPort waits until something listens on addr (the baseline answers only SDP on /).
func waitPort(ctx context.Context, addr string) error {
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			return c.Close()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not listening: %w", addr, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
