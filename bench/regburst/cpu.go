package main

import (
	"context"
	"sync"
	"time"

	"github.com/onairhq/onair/bench/procstat"
	"github.com/onairhq/onair/store/storebench"
)

// cpuSeconds is the user and system CPU time pid has used so far.
func cpuSeconds(pid int) (float64, error) {
	user, sys, err := procstat.CPU(pid)
	return user + sys, err
}

// peakRSS is the most resident memory pid has had, in MiB.
func peakRSS(pid int) (float64, error) {
	b, err := procstat.MemoryBytes(pid, "VmHWM")
	return b / (1 << 20), err
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
