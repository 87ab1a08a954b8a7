package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/onairhq/onair/bench/procstat"
)

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
	user, sys, err := procstat.CPU(pid)
	return cpuTimes{user: user, sys: sys}, err
}

// rssBytes is VmRSS of pid.
func rssBytes(pid int) (float64, error) { return procstat.MemoryBytes(pid, "VmRSS") }

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
