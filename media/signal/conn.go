package signal

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/onairhq/onair/media/wire"
)

// Bounds that keep one peer from hurting the room: its outgoing frames queue in a bounded
// buffer (a peer that does not read is disconnected, never waited on) and each write has a
// deadline.
const (
	writeQueueFrames = 256
	writeTimeout     = 5 * time.Second
)

// conn is one signaling WebSocket (of wire.Frame), or a relay's (of wire.Relay). Only
// writeLoop writes to the socket; everyone else hands messages to Send, which never blocks.
type conn[M any] struct {
	ws  *websocket.Conn
	log *slog.Logger

	mu     sync.Mutex
	queue  chan M
	closed bool
	status websocket.StatusCode
	reason string
}

func newConn(ws *websocket.Conn, log *slog.Logger) *conn[wire.Frame] {
	return newConnOf[wire.Frame](ws, log, writeQueueFrames)
}

func newConnOf[M any](ws *websocket.Conn, log *slog.Logger, queue int) *conn[M] {
	return &conn[M]{ws: ws, log: log, queue: make(chan M, queue), status: websocket.StatusNormalClosure}
}

// Send queues f; false when the connection is closing or its queue is full, in which case
// the peer is too slow and is disconnected at once.
func (c *conn[M]) Send(f M) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	select {
	case c.queue <- f:
		return true
	default:
		c.log.Warn("signaling peer too slow: disconnecting", "queued", len(c.queue))
		c.closed = true
		close(c.queue)
		_ = c.ws.CloseNow()
		return false
	}
}

// Close flushes what is queued, then closes the socket with reason.
func (c *conn[M]) Close(reason string) {
	c.closeWith(websocket.StatusNormalClosure, reason)
}

func (c *conn[M]) closeWith(status websocket.StatusCode, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed, c.status, c.reason = true, status, reason
	close(c.queue)
}

// writeLoop writes queued frames until the queue closes, then closes the socket.
func (c *conn[M]) writeLoop(ctx context.Context) {
	for f := range c.queue {
		b, err := json.Marshal(f)
		if err != nil {
			c.log.Error("encode frame", "err", err)
			continue
		}
		wctx, cancel := context.WithTimeout(ctx, writeTimeout)
		err = c.ws.Write(wctx, websocket.MessageText, b)
		cancel()
		if err != nil {
			c.log.Debug("signaling write failed", "err", err)
			c.closeWith(websocket.StatusGoingAway, "write failed")
			_ = c.ws.CloseNow()
			for range c.queue { // let Send's senders see a closed connection
			}
			return
		}
	}
	c.mu.Lock()
	status, reason := c.status, c.reason
	c.mu.Unlock()
	_ = c.ws.Close(status, reason)
}
