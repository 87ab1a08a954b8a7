package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeCertificate writes a self-signed certificate and its key as PEM files in dir.
func writeCertificate(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "onair-worker"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// TestTemporalConnectionFromEnvironment: the TEMPORAL_TLS_* files become the client's TLS
// (client certificate, roots, server name), TEMPORAL_API_KEY its credentials, and every
// mistake an operator can make is refused with the variable's name.
func TestTemporalConnectionFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeCertificate(t, dir)
	notPEM := filepath.Join(dir, "ca.txt")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name                    string
		env                     map[string]string
		tls, clientCert, roots  bool
		creds                   bool
		serverName, errMentions string
	}{
		{name: "plain by default", env: map[string]string{}},
		{name: "mutual TLS with a CA", env: map[string]string{"TEMPORAL_TLS_CERT": cert, "TEMPORAL_TLS_KEY": key, "TEMPORAL_TLS_CA": cert},
			tls: true, clientCert: true, roots: true},
		{name: "server name", env: map[string]string{"TEMPORAL_TLS_CA": cert, "TEMPORAL_TLS_SERVER_NAME": "temporal.internal"},
			tls: true, roots: true, serverName: "temporal.internal"},
		{name: "TLS with the system's roots", env: map[string]string{"TEMPORAL_TLS": "true"}, tls: true},
		{name: "API key (the SDK adds TLS)", env: map[string]string{"TEMPORAL_API_KEY": "secret-key"}, creds: true},
		{name: "API key and a client certificate", env: map[string]string{"TEMPORAL_API_KEY": "k", "TEMPORAL_TLS_CERT": cert, "TEMPORAL_TLS_KEY": key},
			tls: true, clientCert: true, creds: true},
		{name: "certificate without key", env: map[string]string{"TEMPORAL_TLS_CERT": cert}, errMentions: "TEMPORAL_TLS_KEY"},
		{name: "key file missing", env: map[string]string{"TEMPORAL_TLS_CERT": cert, "TEMPORAL_TLS_KEY": filepath.Join(dir, "none.key")}, errMentions: "TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY"},
		{name: "CA without a certificate", env: map[string]string{"TEMPORAL_TLS_CA": notPEM}, errMentions: "TEMPORAL_TLS_CA"},
		{name: "CA file missing", env: map[string]string{"TEMPORAL_TLS_CA": filepath.Join(dir, "none.pem")}, errMentions: "TEMPORAL_TLS_CA"},
		{name: "TLS not a boolean", env: map[string]string{"TEMPORAL_TLS": "sometimes"}, errMentions: "TEMPORAL_TLS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, name := range []string{"TEMPORAL_TLS", "TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY", "TEMPORAL_TLS_CA", "TEMPORAL_TLS_SERVER_NAME", "TEMPORAL_API_KEY"} {
				t.Setenv(name, tc.env[name])
			}
			opts, creds, err := loadConfig().Temporal.connection()
			if tc.errMentions != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errMentions) {
					t.Fatalf("error %v, want one naming %s", err, tc.errMentions)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (opts.TLS != nil) != tc.tls {
				t.Fatalf("TLS %v, want %v", opts.TLS != nil, tc.tls)
			}
			if (creds != nil) != tc.creds {
				t.Fatalf("credentials %v, want %v", creds != nil, tc.creds)
			}
			if opts.TLS == nil {
				return
			}
			if got := len(opts.TLS.Certificates) == 1; got != tc.clientCert {
				t.Errorf("client certificate %v, want %v", got, tc.clientCert)
			}
			if got := opts.TLS.RootCAs != nil; got != tc.roots {
				t.Errorf("own roots %v, want %v", got, tc.roots)
			}
			if opts.TLS.ServerName != tc.serverName {
				t.Errorf("server name %q, want %q", opts.TLS.ServerName, tc.serverName)
			}
		})
	}
}

// TestSearchAttributeRegistrationSetting: registration is on unless the setting says false.
func TestSearchAttributeRegistrationSetting(t *testing.T) {
	for value, want := range map[string]bool{"": true, "true": true, "false": false, "0": false} {
		t.Setenv("ONAIR_TEMPORAL_REGISTER_SEARCH_ATTRIBUTES", value)
		got, err := loadConfig().Temporal.registerSearchAttributes()
		if err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", value, got, err, want)
		}
	}
	t.Setenv("ONAIR_TEMPORAL_REGISTER_SEARCH_ATTRIBUTES", "maybe")
	if _, err := loadConfig().Temporal.registerSearchAttributes(); err == nil || !strings.Contains(err.Error(), "ONAIR_TEMPORAL_REGISTER_SEARCH_ATTRIBUTES") {
		t.Errorf("maybe: %v, want an error naming the variable", err)
	}
}
