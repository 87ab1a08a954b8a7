package room

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
)

// storeWriteTimeout bounds one attempt of a store write. A failed attempt is retried with
// backoff (later writes wait, keeping the order); one that still fails, or fails for good
// (not found, conflict), is logged with what it was.
const (
	storeWriteTimeout  = 10 * time.Second
	storeWriteAttempts = 4
	storeRetryBackoff  = 500 * time.Millisecond
)

// roomWriter persists a room's events in the order they happened, on its own goroutine: the
// room only appends to a queue (under its lock, never waiting), so a slow database can never
// stall signaling or forwarding. The queue is unbounded on purpose: accepted chat, votes and
// attendance are never dropped; what feeds it is bounded by the per-person rate limits.
type roomWriter struct {
	db  bun.IDB
	log *slog.Logger

	mu      sync.Mutex
	queue   []storeWrite
	writing int // writes of the batch being written not done yet
	busy    bool
	stopped bool
	idle    *sync.Cond
	wake    chan struct{}
	done    chan struct{}
}

type storeWrite struct {
	what string
	do   func(ctx context.Context, db bun.IDB) error
}

func newRoomWriter(db bun.IDB, log *slog.Logger) *roomWriter {
	w := &roomWriter{db: db, log: log, wake: make(chan struct{}, 1), done: make(chan struct{})}
	w.idle = sync.NewCond(&w.mu)
	go w.run()
	return w
}

// enqueue adds a write; it never blocks. Writes after stop are refused (the room is gone).
func (w *roomWriter) enqueue(what string, do func(ctx context.Context, db bun.IDB) error) {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		w.log.Error("store write after the room closed: dropped", "write", what)
		return
	}
	w.queue = append(w.queue, storeWrite{what, do})
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *roomWriter) run() {
	defer close(w.done)
	for {
		w.mu.Lock()
		for len(w.queue) == 0 {
			w.busy = false
			w.idle.Broadcast()
			if w.stopped {
				w.mu.Unlock()
				return
			}
			w.mu.Unlock()
			<-w.wake
			w.mu.Lock()
		}
		batch := w.queue
		w.queue, w.busy, w.writing = nil, true, len(batch)
		w.mu.Unlock()
		for _, sw := range batch {
			w.write(sw)
			w.mu.Lock()
			w.writing--
			w.mu.Unlock()
		}
	}
}

func (w *roomWriter) write(sw storeWrite) {
	backoff := storeRetryBackoff
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), storeWriteTimeout)
		err := sw.do(ctx, w.db)
		cancel()
		if err == nil {
			return
		}
		permanent := errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict)
		if permanent || attempt == storeWriteAttempts {
			w.log.Error("store write failed", "write", sw.what, "attempts", attempt, "err", err)
			return
		}
		w.log.Warn("store write failed: retrying", "write", sw.what, "attempt", attempt, "err", err)
		time.Sleep(backoff)
		backoff *= 2
	}
}

// depth is how many writes wait or are being written: the node's metrics show it per room,
// since a growing queue means the store falls behind.
func (w *roomWriter) depth() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.queue) + w.writing
}

// flush waits until everything queued so far is written.
func (w *roomWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.queue) > 0 || w.busy {
		w.idle.Wait()
	}
}

// stop writes what is queued and ends the goroutine.
func (w *roomWriter) stop() {
	w.mu.Lock()
	w.stopped = true
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	<-w.done
}
