package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// SMTPSender delivers messages to an SMTP server. Concurrent sends each have a connection of
// their own; a connection that carried a message is kept for the next one (smtp_pool.go).
type SMTPSender struct {
	cfg  smtpConfig
	from string
	// tlsConfig, when set, replaces the system roots (tests use a private CA).
	tlsConfig *tls.Config
	pool      smtpPool
}

// authMechanisms are tried in this order among those the server offers. PLAIN and LOGIN
// send the password itself, so go-mail refuses them on an unencrypted connection unless
// the server is on loopback; the SCRAM ones never reveal it.
var authMechanisms = []gomail.SMTPAuthType{
	gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthPlain, gomail.SMTPAuthLogin,
}

// NewSMTPSender configures a sender from smtp://[user:pass@]host[:port][?tls=none|starttls|tls]
// or smtps://…: port 25 (465 for implicit TLS) by default; smtp:// upgrades with STARTTLS
// when the server offers it, smtps:// speaks TLS from the start. from is the default sender.
// Nothing is dialled until Send.
func NewSMTPSender(rawURL, from string) (*SMTPSender, error) {
	cfg, err := parseSMTPURL(rawURL)
	if err != nil {
		return nil, err
	}
	if from != "" {
		if _, err := parseAddress(from); err != nil {
			return nil, fmt.Errorf("default sender: %w", err)
		}
	}
	return &SMTPSender{cfg: cfg, from: from}, nil
}

// String is the server URL with the password masked, for logs and the dev banner.
func (s *SMTPSender) String() string { return s.cfg.redacted }

// Send implements Sender.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	_, err := s.SendWithReply(ctx, m)
	return err
}

// SendWithReply implements ReplySender. It returns as soon as the server has accepted the
// message (its 250 after the data), so that the caller records the send before anything else
// can go wrong; the connection is then kept for the next message, or ended without the
// caller waiting. ctx bounds the exchange.
func (s *SMTPSender) SendWithReply(ctx context.Context, m Message) (string, error) {
	msg, err := m.build(s.from)
	if err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("send mail via %s: %w", s.addr(), err)
	}
	c := s.pool.get(ctx)
	if c == nil {
		if c, err = s.open(ctx); err != nil {
			return "", s.sendError(ctx, err)
		}
	}
	// go-mail watches ctx only while dialling; closing the connection when ctx ends
	// releases a stalled server at once instead of after go-mail's own timeout.
	stop := context.AfterFunc(ctx, c.conn.close)
	reply, err := transact(c.smtp, msg)
	stop()
	if err != nil {
		c.conn.close()
		return "", s.sendError(ctx, err)
	}
	s.pool.put(c)
	return reply, nil
}

// open dials a new connection and goes through the greeting, EHLO, STARTTLS and AUTH.
func (s *SMTPSender) open(ctx context.Context) (*smtpConn, error) {
	sc := new(sendConn)
	dial := func(dialCtx context.Context, _, _ string) (net.Conn, error) {
		c, err := s.dial(dialCtx)
		if err != nil {
			return nil, err
		}
		if !sc.set(c) {
			_ = c.Close()
			return nil, context.Cause(ctx)
		}
		return c, nil
	}
	client, err := gomail.NewClient(s.cfg.host, s.options(dial)...)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, sc.close)
	conn, err := client.DialToSMTPClientWithContext(ctx)
	stop()
	if err != nil {
		// go-mail leaves the connection open when the greeting, STARTTLS or AUTH fails.
		sc.close()
		return nil, err
	}
	return &smtpConn{client: client, smtp: conn, conn: sc}, nil
}

// transact is one mail transaction (MAIL, RCPT, DATA) on an open connection; it returns
// the server's answer to the data ("250 2.0.0 Ok: queued as 4F2") once it came. A
// permanent (5xx) reply is marked ErrRejected.
func transact(c *smtp.Client, msg *gomail.Msg) (string, error) {
	from, err := msg.GetSender(false)
	if err != nil {
		return "", err
	}
	rcpts, err := msg.GetRecipients()
	if err != nil {
		return "", err
	}
	if err := c.Mail(from); err != nil {
		return "", refusal("MAIL FROM", err)
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r); err != nil {
			return "", refusal("RCPT TO", err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return "", refusal("DATA", err)
	}
	if _, err := msg.WriteTo(w); err != nil {
		return "", fmt.Errorf("write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return "", refusal("end of data", err)
	}
	// go-mail's data writer keeps the text of the 250 it read on Close.
	if dc, ok := w.(*smtp.DataCloser); ok {
		return strings.TrimSpace("250 " + dc.ServerResponse()), nil
	}
	return "250", nil
}

// RefusalReply is the mail server's answer inside a send's error ("550 5.1.1 no such
// user"), or "" when the error is not a server's reply (a network failure, a bad address).
func RefusalReply(err error) string {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return reply.Error()
	}
	return ""
}

// refusal names the command a reply answered and marks permanent (5xx) replies with
// ErrRejected: retrying the same message will not help. Only replies to the message itself
// count: a refused AUTH is a configuration to fix, not a message to drop.
func refusal(command string, err error) error {
	if err == nil {
		return nil
	}
	var reply *textproto.Error
	if errors.As(err, &reply) && reply.Code/100 == 5 {
		return fmt.Errorf("%s: %w: %w", command, ErrRejected, err)
	}
	return fmt.Errorf("%s: %w", command, err)
}

// sendConn holds one Send's connection so that the end of ctx, on another goroutine, can
// close it.
type sendConn struct {
	mu     sync.Mutex
	conn   net.Conn
	closed bool
}

// set records conn, or reports false when the send is already over.
func (c *sendConn) set(conn net.Conn) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.conn = conn
	return true
}

func (c *sendConn) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.conn != nil {
		_ = c.conn.Close()
		c.conn = nil
	}
}

func (s *SMTPSender) addr() string {
	return net.JoinHostPort(s.cfg.host, strconv.Itoa(s.cfg.port))
}

// dial opens the TCP (or, for implicit TLS, TLS) connection. We dial ourselves rather than
// let go-mail do it so that IPv6 hosts work and Send can close the connection on ctx.
func (s *SMTPSender) dial(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{}
	if s.cfg.tls == tlsImplicit {
		td := &tls.Dialer{NetDialer: d, Config: s.clientTLS()}
		return td.DialContext(ctx, "tcp", s.addr())
	}
	return d.DialContext(ctx, "tcp", s.addr())
}

func (s *SMTPSender) clientTLS() *tls.Config {
	c := &tls.Config{}
	if s.tlsConfig != nil {
		c = s.tlsConfig.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = s.cfg.host
	}
	if c.MinVersion == 0 {
		c.MinVersion = tls.VersionTLS12
	}
	return c
}

func (s *SMTPSender) options(dial gomail.DialContextFunc) []gomail.Option {
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.port),
		gomail.WithoutNoop(), // the connection is fresh: a NOOP would only cost a round trip
		gomail.WithDialContextFunc(dial),
		gomail.WithTLSConfig(s.clientTLS()),
	}
	switch s.cfg.tls {
	case tlsNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case tlsOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case tlsStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case tlsImplicit:
		// dial already speaks TLS; WithSSL stops go-mail from also trying STARTTLS.
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.auth {
		opts = append(opts,
			gomail.WithUsername(s.cfg.user),
			gomail.WithPassword(s.cfg.pass),
			gomail.WithOpportunisticSMTPAuth(authMechanisms...),
		)
	}
	return opts
}

// sendError puts the server address in front of err and reports a cancelled ctx as such.
// go-mail never puts the password in its errors.
func (s *SMTPSender) sendError(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("send mail via %s: %w (%v)", s.addr(), ctxErr, err)
	}
	return fmt.Errorf("send mail via %s: %w", s.addr(), err)
}
