package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/onairhq/onair/mail/mailtest"
)

// newTestSMTPSender points a sender at addr, trusting roots for TLS.
func newTestSMTPSender(t *testing.T, rawURL string, roots *x509.CertPool) *SMTPSender {
	t.Helper()
	s, err := NewSMTPSender(rawURL, "onair <no-reply@onair.example>")
	if err != nil {
		t.Fatal(err)
	}
	if roots != nil {
		s.tlsConfig = &tls.Config{RootCAs: roots}
	}
	return s
}

func TestSMTPSenderDelivers(t *testing.T) {
	be := &mailtest.Backend{}
	addr, _ := mailtest.Start(t, be, mailtest.Plain)
	s := newTestSMTPSender(t, "smtp://"+addr, nil)

	if err := s.Send(context.Background(), sampleMessage()); err != nil {
		t.Fatal(err)
	}
	msgs := be.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server received %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.From != "no-reply@onair.example" {
		t.Errorf("MAIL FROM = %q, want the default sender", got.From)
	}
	if want := []string{"zoe@example.com", "bob@example.org"}; !slices.Equal(got.To, want) {
		t.Errorf("RCPT TO = %v, want %v", got.To, want)
	}
	if got.User != "" || got.TLS {
		t.Errorf("authenticated as %q, TLS %v; want neither on a plain server without credentials", got.User, got.TLS)
	}
	checkSample(t, got.Data, "no-reply@onair.example")
}

// TestSMTPSenderIsDoneAtTheServersAcceptance: once the server said 250 to the data, the
// message is delivered whatever happens to the connection next, and Send says so at once,
// so the caller records it before anything else can go wrong (a crash there re-sends it).
func TestSMTPSenderIsDoneAtTheServersAcceptance(t *testing.T) {
	addr, accepted := silentAfterDataServer(t)
	s := newTestSMTPSender(t, "smtp://"+addr+"?tls=none", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // go-mail's own timeout is 15 s
	defer cancel()
	m := sampleMessage()
	m.ID = "dlv_1"
	if err := s.Send(ctx, m); err != nil {
		t.Fatalf("Send to a server that accepted the message and then fell silent: %v", err)
	}
	if data := <-accepted; !strings.Contains(string(data), "Message-ID: <dlv_1@onair.example>") {
		t.Errorf("the server got no message with the ID sent:\n%s", data)
	}
}

func TestSMTPSenderAuthenticatesWithURLCredentials(t *testing.T) {
	const user, pass = "alice", "s3cr%t p@ss/#?"
	userinfo := url.UserPassword(user, pass).String()
	tests := []struct {
		name   string
		server mailtest.Security
		url    string // %s is userinfo@addr
	}{
		{"plain loopback", mailtest.Plain, "smtp://%s?tls=none"},
		{"opportunistic STARTTLS", mailtest.StartTLS, "smtp://%s"},
		{"mandatory STARTTLS", mailtest.StartTLS, "smtp://%s?tls=starttls"},
		{"implicit TLS", mailtest.ImplicitTLS, "smtps://%s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			be := &mailtest.Backend{User: user, Pass: pass}
			addr, roots := mailtest.Start(t, be, tt.server)
			s := newTestSMTPSender(t, strings.Replace(tt.url, "%s", userinfo+"@"+addr, 1), roots)
			if strings.Contains(s.String(), pass) || strings.Contains(s.String(), url.QueryEscape(pass)) {
				t.Errorf("String() = %q shows the password", s)
			}
			m := Message{To: []string{"bob@example.org"}, Subject: "hi", Text: "hello"}
			if err := s.Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			msgs := be.Messages()
			if len(msgs) != 1 || msgs[0].User != user {
				t.Fatalf("received %+v, want one message sent as %q", msgs, user)
			}
			if wantTLS := tt.server != mailtest.Plain; msgs[0].TLS != wantTLS {
				t.Errorf("message travelled over TLS = %v, want %v", msgs[0].TLS, wantTLS)
			}
		})
	}
}

func TestSMTPSenderWrongPassword(t *testing.T) {
	const wrong = "not-the-password"
	be := &mailtest.Backend{User: "alice", Pass: "right"}
	addr, _ := mailtest.Start(t, be, mailtest.Plain)
	s := newTestSMTPSender(t, "smtp://alice:"+wrong+"@"+addr, nil)
	err := s.Send(context.Background(), Message{To: []string{"bob@example.org"}, Text: "x"})
	if err == nil {
		t.Fatal("Send with a wrong password succeeded")
	}
	if strings.Contains(err.Error(), wrong) {
		t.Errorf("error shows the password: %v", err)
	}
	if n := len(be.Messages()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
}

func TestSMTPSenderRefusesCleartextWhenStartTLSRequired(t *testing.T) {
	be := &mailtest.Backend{Closed: make(chan struct{}, 1)}
	addr, _ := mailtest.Start(t, be, mailtest.Plain) // offers no STARTTLS
	s := newTestSMTPSender(t, "smtp://"+addr+"?tls=starttls", nil)
	if err := s.Send(context.Background(), Message{To: []string{"bob@example.org"}, Text: "x"}); err == nil {
		t.Fatal("Send succeeded over cleartext with tls=starttls")
	}
	if n := len(be.Messages()); n != 0 {
		t.Errorf("server received %d messages in cleartext", n)
	}
	// go-mail gives up here without closing the connection; a worker retrying a
	// misconfigured server must not pile up connections until the server times them out.
	select {
	case <-be.Closed:
	case <-time.After(5 * time.Second):
		t.Error("connection still open after the failed send")
	}
}

func TestSMTPSenderRecipientRejected(t *testing.T) {
	tests := []struct {
		name      string
		reply     *smtp.SMTPError
		permanent bool
	}{
		{"unknown mailbox", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}, true},
		{"try later", &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1}, Message: "mailbox busy"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			be := &mailtest.Backend{RejectRcpt: tt.reply}
			addr, _ := mailtest.Start(t, be, mailtest.Plain)
			s := newTestSMTPSender(t, "smtp://"+addr, nil)
			err := s.Send(context.Background(), Message{To: []string{"ghost@example.org"}, Text: "x"})
			if err == nil {
				t.Fatal("Send succeeded although the server rejected the recipient")
			}
			if errors.Is(err, ErrRejected) != tt.permanent {
				t.Errorf("errors.Is(err, ErrRejected) = %v, want %v (err: %v)", !tt.permanent, tt.permanent, err)
			}
			if n := len(be.Messages()); n != 0 {
				t.Errorf("server stored %d messages", n)
			}
		})
	}
}

func TestSMTPSenderHonoursContext(t *testing.T) {
	m := Message{To: []string{"bob@example.org"}, Text: "x"}

	t.Run("already cancelled", func(t *testing.T) {
		addr, accepted := stalledServer(t)
		s := newTestSMTPSender(t, "smtp://"+addr, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := s.Send(ctx, m); !errors.Is(err, context.Canceled) {
			t.Errorf("Send error = %v, want context.Canceled", err)
		}
		select {
		case <-accepted:
			t.Error("dialled the server with a cancelled context")
		default:
		}
	})

	t.Run("cancelled while the server stalls", func(t *testing.T) {
		addr, accepted := stalledServer(t)
		s := newTestSMTPSender(t, "smtp://"+addr, nil)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			<-accepted // connected and waiting for a greeting that never comes
			cancel()
		}()
		start := time.Now()
		err := s.Send(ctx, m)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Send error = %v, want context.Canceled", err)
		}
		// go-mail's own timeout is 15s; returning well before shows ctx was honoured.
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Send returned after %v", d)
		}
	})
}

// A connection that carried a message carries the next ones (smtp_pool.go), sequential or
// concurrent; one the server dropped meanwhile is noticed before a message is given to it,
// and the message goes on a new connection.
func TestSMTPSenderKeepsItsConnectionForTheNextMessage(t *testing.T) {
	be := &mailtest.Backend{}
	addr, roots := mailtest.Start(t, be, mailtest.StartTLS)
	s := newTestSMTPSender(t, "smtp://"+addr+"?tls=starttls", roots)
	ctx := context.Background()
	for range 10 {
		if err := s.Send(ctx, sampleMessage()); err != nil {
			t.Fatal(err)
		}
	}
	if n := be.Connections(); n != 1 {
		t.Errorf("10 messages one after the other took %d connections, want 1", n)
	}

	be.DropConnections()
	if err := s.Send(ctx, sampleMessage()); err != nil {
		t.Fatalf("send after the server dropped the kept connection: %v", err)
	}
	if n := be.Connections(); n != 2 {
		t.Errorf("%d connections after the drop, want a second one", n)
	}

	var wg sync.WaitGroup
	for range 2 * smtpIdleConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Send(ctx, sampleMessage()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(be.Messages()); n != 11+2*smtpIdleConns {
		t.Errorf("server has %d messages, want %d", n, 11+2*smtpIdleConns)
	}
	for _, m := range be.Messages() {
		if !m.TLS {
			t.Fatal("a message on a kept connection travelled without TLS")
		}
	}
	if n := be.Connections(); n > 2+2*smtpIdleConns {
		t.Errorf("%d connections, want at most one per message in flight", n)
	}
}
