package mediatest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/onairhq/onair/media/room"
	"github.com/onairhq/onair/media/turn"
	"github.com/onairhq/onair/media/wire"
)

// TURNSecret is the test TURN server's shared secret.
var TURNSecret = []byte("turn test secret, not for production")

// TURN is an embedded TURN server on loopback (relays on loopback too) and the URLs a join is
// told: turns: over TLS with a certificate made for the test, or turn: over UDP.
type TURN struct {
	Server *turn.Server
	URLs   []string
	// Roots trust the TLS listener's certificate (for "localhost").
	Roots *x509.CertPool
}

// StartTURN starts the server, over TLS or over UDP; it stops when the test ends.
func StartTURN(t *testing.T, overTLS bool) *TURN {
	t.Helper()
	p := turn.ServerParams{Secret: TURNSecret, RelayIP: net.IPv4(127, 0, 0, 1), RelayListenIP: "127.0.0.1"}
	var roots *x509.CertPool
	if overTLS {
		p.TLSAddr = "127.0.0.1:0"
		p.CertFile, p.KeyFile, roots = SelfSignedCert(t)
	} else {
		p.UDPAddr = "127.0.0.1:0"
	}
	s, err := turn.NewServer(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	url := fmt.Sprintf("turn:127.0.0.1:%d?transport=udp", portOf(s.UDPAddr()))
	if overTLS {
		url = fmt.Sprintf("turns:localhost:%d?transport=tcp", portOf(s.TLSAddr()))
	}
	return &TURN{Server: s, URLs: []string{url}, Roots: roots}
}

// Network is the node's network as SharedUDPNetwork makes it, each join told to relay through
// this server with credentials of its own.
func (r *TURN) Network(t *testing.T) room.Network {
	t.Helper()
	network := SharedUDPNetwork(t)
	creds := turn.Credentials{Secret: TURNSecret, URLs: r.URLs}
	network.ICEServers = func(person string) []wire.ICEServer {
		username, password := creds.Mint(person)
		return []wire.ICEServer{{URLs: creds.URLs, Username: username, Credential: password}}
	}
	return network
}

func portOf(a net.Addr) int {
	switch a := a.(type) {
	case *net.UDPAddr:
		return a.Port
	case *net.TCPAddr:
		return a.Port
	}
	return 0
}

// SelfSignedCert writes a certificate for localhost and 127.0.0.1 and its key to files, as an
// operator's certificate and key are given, and returns the pool a client trusts it through.
func SelfSignedCert(t *testing.T) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "turn.crt"), filepath.Join(dir, "turn.key")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "EC PRIVATE KEY", keyDER)
	roots = x509.NewCertPool()
	roots.AddCert(cert)
	return certFile, keyFile, roots
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
