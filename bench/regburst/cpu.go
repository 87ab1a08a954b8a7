package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onairhq/onair/store/storebench"
)

// clockTicks is USER_HZ, 100 on every Linux this runs on (no cgo for sysconf).
const clockTicks = 100

// cpuSeconds is the user and system CPU time pid has used so far.
func cpuSeconds(pid int) (float64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	user, err1 := strconv.ParseFloat(f[11], 64)
	sys, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad times", pid)
	}
	return (user + sys) / clockTicks, nil
}

// peakRSS is the most resident memory pid has had (VmHWM), in MiB.
func peakRSS(pid int) (float64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("/proc/%d/status: no VmHWM", pid)
}

// backendCPU follows the CPU time of the benchmark database's Postgres backends: it polls
// their pids every 100 ms and adds up what each used since it was first seen (a backend
// that was already open when watching began counts from then; one that lived less than a
// poll is missed, so a pool that churns backends is undercounted).
type backendCPU struct {
	mu    sync.Mutex
	first map[int]float64 // CPU when first seen (0 for backends born while watching)
	last  map[int]float64
	stop  chan struct{}
	done  chan struct{}
}

func watchBackends(ctx context.Context, b *storebench.Database) *backendCPU {
	w := &backendCPU{first: map[int]float64{}, last: map[int]float64{}, stop: make(chan struct{}), done: make(chan struct{})}
	w.poll(ctx, b, true)
	go func() {
		defer close(w.done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				w.poll(ctx, b, false)
				return
			case <-t.C:
				w.poll(ctx, b, false)
			}
		}
	}()
	return w
}

func (w *backendCPU) poll(ctx context.Context, b *storebench.Database, initial bool) {
	pids, err := b.BackendPIDs(ctx)
	if err != nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, pid := range pids {
		c, err := cpuSeconds(pid)
		if err != nil {
			continue
		}
		if _, seen := w.first[pid]; !seen {
			w.first[pid] = 0
			if initial {
				w.first[pid] = c
			}
		}
		w.last[pid] = c
	}
}

// total stops watching and returns the backends' CPU seconds while watched.
func (w *backendCPU) total() float64 {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	var sum float64
	for pid, c := range w.last {
		sum += c - w.first[pid]
	}
	return sum
}
