package mail

import (
	"context"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// An SMTP connection is kept open after a message the server accepted, for the next one: a
// new connection costs a TCP (and often TLS) handshake, the greeting, EHLO, STARTTLS and AUTH
// before its one message, which is most of the work of a confirmation e-mail for both sides
// (BENCHMARKS.md, "Registration burst"); mail servers and relay services expect senders to
// reuse connections. A kept connection serves one send at a time, is checked with a NOOP
// before its next message (a server may have dropped it), and is closed with QUIT after
// smtpIdle without a message or once it has carried smtpMessagesPerConn messages. A send that
// fails in any way closes its connection rather than keep one in an unknown state.

const (
	// smtpIdle: servers drop idle clients after a few minutes (Postfix's smtpd_timeout is
	// 300 s); closing well before that spares them keeping a connection for nothing.
	smtpIdle = 10 * time.Second
	// smtpMessagesPerConn stays under the per-connection message limits of relay services.
	smtpMessagesPerConn = 100
	// smtpIdleConns: as many as the relay sends at once.
	smtpIdleConns = 8
	// smtpCheckTimeout bounds the NOOP that checks a kept connection.
	smtpCheckTimeout = 5 * time.Second
	// smtpCommandTimeout is go-mail's own timeout, renewed for each message on a kept
	// connection (go-mail sets it once, when it dials).
	smtpCommandTimeout = gomail.DefaultTimeout
)

// smtpConn is one open SMTP connection.
type smtpConn struct {
	client *gomail.Client
	smtp   *smtp.Client
	conn   *sendConn
	sent   int
	idle   *time.Timer // closes it when it stays idle; nil while in use
}

// quit ends the connection politely, bounded by its deadline, then closes it.
func (c *smtpConn) quit() {
	_ = c.smtp.UpdateDeadline(smtpCheckTimeout)
	_ = c.client.CloseWithSMTPClient(c.smtp)
	c.conn.close()
}

// usable renews the deadline of a kept connection and checks with a NOOP that the server is
// still there; ctx ending meanwhile closes it.
func (c *smtpConn) usable(ctx context.Context) bool {
	stop := context.AfterFunc(ctx, c.conn.close)
	defer stop()
	if c.smtp.UpdateDeadline(smtpCheckTimeout) != nil || c.smtp.Noop() != nil {
		return false
	}
	return c.smtp.UpdateDeadline(smtpCommandTimeout) == nil
}

// smtpPool keeps the idle connections of one SMTPSender, most recently used first.
type smtpPool struct {
	mu   sync.Mutex
	idle []*smtpConn
}

// get takes a kept connection that is still usable, or returns nil.
func (p *smtpPool) get(ctx context.Context) *smtpConn {
	for {
		p.mu.Lock()
		n := len(p.idle)
		if n == 0 {
			p.mu.Unlock()
			return nil
		}
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		// Stop fails when the idle timer already fired: expire is closing it.
		stopped := c.idle.Stop()
		p.mu.Unlock()
		if !stopped {
			continue
		}
		c.idle = nil
		if c.usable(ctx) {
			return c
		}
		c.conn.close()
		if ctx.Err() != nil {
			return nil
		}
	}
}

// put keeps c for the next message, or quits it when it has done its share or the pool is
// full.
func (p *smtpPool) put(c *smtpConn) {
	c.sent++
	p.mu.Lock()
	if c.sent >= smtpMessagesPerConn || len(p.idle) >= smtpIdleConns {
		p.mu.Unlock()
		go c.quit()
		return
	}
	c.idle = time.AfterFunc(smtpIdle, func() { p.expire(c) })
	p.idle = append(p.idle, c)
	p.mu.Unlock()
}

// expire quits c, idle for too long.
func (p *smtpPool) expire(c *smtpConn) {
	p.mu.Lock()
	for i, x := range p.idle {
		if x == c {
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			break
		}
	}
	p.mu.Unlock()
	c.quit()
}
