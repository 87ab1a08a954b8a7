// Package mailtest runs a real SMTP server (emersion/go-smtp) on loopback for tests, keeping
// every message it accepts, so senders are tested over the wire rather than against a fake.
package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Received is one message as the server accepted it.
type Received struct {
	From string
	To   []string
	Data []byte // the RFC 5322 bytes
	User string // authenticated user, "" without AUTH
	TLS  bool   // the message travelled over TLS
}

// Backend keeps what the server receives. Its zero value accepts everything without AUTH.
type Backend struct {
	User, Pass string          // when set, AUTH PLAIN is offered and required
	RejectRcpt *smtp.SMTPError // when set, every RCPT TO gets this reply
	Closed     chan struct{}   // when set, gets a value as each connection ends
	// Accepted, when set, is called with each message once stored, before the server
	// answers 250: a test that stops the sender there leaves a message the server has and
	// the sender never heard about.
	Accepted func(Received)

	mu    sync.Mutex
	msgs  []Received
	conns []*smtp.Conn // every connection accepted, in order
}

// NewSession implements smtp.Backend.
func (b *Backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	b.mu.Lock()
	if !slices.Contains(b.conns, c) { // a new session begins after STARTTLS too
		b.conns = append(b.conns, c)
	}
	b.mu.Unlock()
	return &session{b: b, conn: c}, nil
}

// Connections is how many connections the server has accepted so far.
func (b *Backend) Connections() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.conns)
}

// DropConnections closes every connection from the server's side, as a server does with
// clients idle for too long.
func (b *Backend) DropConnections() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.conns {
		_ = c.Close()
	}
}

// Messages returns the messages accepted so far, in order.
func (b *Backend) Messages() []Received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Received(nil), b.msgs...)
}

type session struct {
	b    *Backend
	conn *smtp.Conn
	user string
	cur  Received
}

func (s *session) AuthMechanisms() []string {
	if s.b.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.b.User || pass != s.b.Pass {
			return smtp.ErrAuthFailed
		}
		s.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.b.User != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.cur = Received{From: from, User: s.user}
	_, s.cur.TLS = s.conn.TLSConnectionState()
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.b.RejectRcpt != nil {
		return s.b.RejectRcpt
	}
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = data
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, s.cur)
	s.b.mu.Unlock()
	if s.b.Accepted != nil {
		s.b.Accepted(s.cur)
	}
	return nil
}

func (s *session) Reset() { s.cur = Received{} }

func (s *session) Logout() error {
	if s.b.Closed != nil {
		s.b.Closed <- struct{}{}
	}
	return nil
}

// Security says how the server protects connections.
type Security int

const (
	Plain       Security = iota // no TLS at all
	StartTLS                    // offers STARTTLS
	ImplicitTLS                 // TLS from the first byte
)

// Start runs be on 127.0.0.1:0 until the test ends and returns its address. With TLS, the
// certificate is signed by a fresh CA, returned so the client can trust it.
func Start(t testing.TB, be *Backend, mode Security) (addr string, roots *x509.CertPool) {
	t.Helper()
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true // loopback only
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0) // a killed client's reset is no news
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if mode != Plain {
		cfg, pool := selfSigned(t)
		roots = pool
		switch mode {
		case StartTLS:
			srv.TLSConfig = cfg
		case ImplicitTLS:
			l = tls.NewListener(l, cfg)
		}
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String(), roots
}

// selfSigned makes a self-signed certificate for 127.0.0.1.
func selfSigned(t testing.TB) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "onair test SMTP"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}
