package turn_test

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pionturn "github.com/pion/turn/v5"

	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/turn"
)

var testSecret = mediatest.TURNSecret

// startUDPServer is an embedded TURN server on loopback UDP whose relays are on loopback too.
func startUDPServer(t *testing.T) *turn.Server {
	t.Helper()
	s, err := turn.NewServer(turn.ServerParams{Secret: testSecret, UDPAddr: "127.0.0.1:0",
		RelayIP: net.IPv4(127, 0, 0, 1), RelayListenIP: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// allocate asks server for a relay with username and password, as a browser's ICE agent does.
func allocate(t *testing.T, server net.Addr, username, password string) (net.PacketConn, error) {
	t.Helper()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	client, err := pionturn.NewClient(&pionturn.ClientConfig{TURNServerAddr: server.String(), STUNServerAddr: server.String(),
		Conn: conn, Username: username, Password: password, Realm: turn.Realm})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	if err := client.Listen(); err != nil {
		t.Fatal(err)
	}
	return client.Allocate()
}

func TestTURNCredentials(t *testing.T) {
	s := startUDPServer(t)
	minted := turn.Credentials{Secret: testSecret, TTL: time.Minute}
	expired := turn.Credentials{Secret: testSecret, TTL: time.Minute, Now: func() time.Time { return time.Now().Add(-time.Hour) }}
	otherSecret := turn.Credentials{Secret: []byte("another secret"), TTL: time.Minute}
	mint := func(c turn.Credentials) func() (string, string) {
		return func() (string, string) { return c.Mint("person_1") }
	}
	tests := []struct {
		name  string
		creds func() (username, password string)
		ok    bool
	}{
		{"minted credentials relay", mint(minted), true},
		{"expired credentials are refused", mint(expired), false},
		{"a password of another secret is refused", mint(otherSecret), false},
		{"a username edited after minting is refused", func() (string, string) {
			username, password := minted.Mint("person_1")
			return username + "0", password
		}, false},
		{"a username without an expiry is refused", func() (string, string) {
			return "person_1", turn.Password(testSecret, "person_1")
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			username, password := tt.creds()
			relay, err := allocate(t, s.UDPAddr(), username, password)
			if !tt.ok {
				if err == nil {
					t.Fatalf("allocation granted to %q", username)
				}
				return
			}
			if err != nil {
				t.Fatalf("allocation refused to minted credentials: %v", err)
			}
			// The relay carries packets to a peer on this machine (the media node's place).
			peer, err := net.ListenPacket("udp4", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer peer.Close()
			if _, err := relay.WriteTo([]byte("media"), peer.LocalAddr()); err != nil {
				t.Fatalf("relay to the node: %v", err)
			}
			buf := make([]byte, 64)
			_ = peer.SetReadDeadline(time.Now().Add(mediatest.WaitLimit))
			n, from, err := peer.ReadFrom(buf)
			if err != nil || string(buf[:n]) != "media" {
				t.Fatalf("peer read %q, %v", buf[:n], err)
			}
			if from.String() != relay.LocalAddr().String() {
				t.Errorf("packet from %s, want the relay address %s", from, relay.LocalAddr())
			}
		})
	}
}

func TestTURNCredentialsFormat(t *testing.T) {
	at := time.Unix(1_700_000_000, 0)
	c := turn.Credentials{Secret: []byte("s3cret"), TTL: time.Hour, Now: func() time.Time { return at }}
	username, password := c.Mint("prs_42")
	if username != "1700003600:prs_42" {
		t.Errorf("username %q, want <expiry unix>:<person>", username)
	}
	// base64(HMAC-SHA1("s3cret", "1700003600:prs_42")), as coturn's use-auth-secret computes it.
	if password != turn.Password([]byte("s3cret"), username) || len(password) != 28 {
		t.Errorf("password %q", password)
	}
}

// The relay goes only to this machine: a browser's credentials open no path into the network
// around the node.
func TestTURNRelayRefusesOtherPeers(t *testing.T) {
	s := startUDPServer(t)
	username, password := turn.Credentials{Secret: testSecret}.Mint("person_1")
	relay, err := allocate(t, s.UDPAddr(), username, password)
	if err != nil {
		t.Fatal(err)
	}
	_, err = relay.WriteTo([]byte("probe"), &net.UDPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 9})
	if err == nil {
		t.Fatal("the relay created a permission for 192.0.2.1, an address that is not the node's")
	}
}

func TestTURNAllocationsCounted(t *testing.T) {
	s := startUDPServer(t)
	username, password := turn.Credentials{Secret: testSecret}.Mint("person_1")
	relay, err := allocate(t, s.UDPAddr(), username, password)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Allocations(); got != (turn.Allocations{Current: 1, Total: 1}) {
		t.Fatalf("after one allocation: %+v", got)
	}
	if err := relay.Close(); err != nil {
		t.Fatal(err)
	}
	mediatest.WaitFor(t, "the closed relay to be counted out", func() bool {
		return s.Allocations() == turn.Allocations{Current: 0, Total: 1}
	})
}

func TestTURNBadConfig(t *testing.T) {
	certFile, keyFile, _ := mediatest.SelfSignedCert(t)
	missing := filepath.Join(t.TempDir(), "missing.pem")
	garbage := filepath.Join(t.TempDir(), "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	busy := startUDPServer(t).UDPAddr().String()
	relayIP := net.IPv4(127, 0, 0, 1)
	tests := []struct {
		name   string
		params turn.ServerParams
		want   string
	}{
		{"no secret", turn.ServerParams{UDPAddr: "127.0.0.1:0", RelayIP: relayIP}, "secret"},
		{"no listener", turn.ServerParams{Secret: testSecret, RelayIP: relayIP}, "no UDP or TLS address"},
		{"no relay address", turn.ServerParams{Secret: testSecret, UDPAddr: "127.0.0.1:0"}, "relay address"},
		{"missing certificate file", turn.ServerParams{Secret: testSecret, TLSAddr: "127.0.0.1:0", RelayIP: relayIP,
			CertFile: missing, KeyFile: keyFile}, "missing.pem"},
		{"a key that is no key", turn.ServerParams{Secret: testSecret, TLSAddr: "127.0.0.1:0", RelayIP: relayIP,
			CertFile: certFile, KeyFile: garbage}, "TLS certificate"},
		{"port in use", turn.ServerParams{Secret: testSecret, UDPAddr: busy, RelayIP: relayIP}, "address already in use"},
		{"upside-down relay ports", turn.ServerParams{Secret: testSecret, UDPAddr: "127.0.0.1:0", RelayIP: relayIP,
			RelayMinPort: 50000, RelayMaxPort: 49000}, "not a range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := turn.NewServer(tt.params)
			if err == nil {
				_ = s.Close()
				t.Fatal("started")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
	if _, err := turn.NewServer(turn.ServerParams{RelayIP: relayIP, Secret: testSecret}); !errors.Is(err, turn.ErrNoListener) {
		t.Errorf("no listener: %v", err)
	}
}
