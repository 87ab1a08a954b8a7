package sfu

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/pion/dtls/v3"
	"github.com/pion/dtls/v3/pkg/crypto/selfsign"
	"github.com/pion/srtp/v3"
)

// The keys the capture derives from the key log and our ServerHello are the ones pion/dtls's
// own exporter gives the server (what Pion's SRTP session encrypts with), for every SRTP profile
// the direct path takes, cipher suites with either PRF hash, and with or without the extended
// master secret.
func TestKeyCaptureMatchesDTLSExporter(t *testing.T) {
	cases := []struct {
		profile dtls.SRTPProtectionProfile
		suite   dtls.CipherSuiteID
		ems     dtls.ExtendedMasterSecretType
	}{
		{dtls.SRTP_AEAD_AES_128_GCM, dtls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, dtls.RequireExtendedMasterSecret},
		{dtls.SRTP_AEAD_AES_256_GCM, dtls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, dtls.RequireExtendedMasterSecret},
		{dtls.SRTP_AES128_CM_HMAC_SHA1_80, dtls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, dtls.DisableExtendedMasterSecret},
		{dtls.SRTP_AES128_CM_HMAC_SHA1_32, dtls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, dtls.RequestExtendedMasterSecret},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%#04x/%s", uint16(c.profile), dtls.CipherSuiteName(c.suite)), func(t *testing.T) {
			var capture keyCapture
			server := dtlsHandshake(t, c.profile, c.suite, c.ems, &capture)
			state, ok := server.ConnectionState()
			if !ok {
				t.Fatal("no connection state")
			}
			want := srtp.Config{Profile: srtp.ProtectionProfile(c.profile)}
			if err := want.ExtractSessionKeysFromDTLS(&state, false); err != nil {
				t.Fatal(err)
			}
			got, ok := capture.keys()
			if !ok {
				t.Fatal("the capture derived no keys")
			}
			if got.profile != want.Profile || string(got.key) != string(want.Keys.LocalMasterKey) ||
				string(got.salt) != string(want.Keys.LocalMasterSalt) {
				t.Errorf("derived %v key %x salt %x, the exporter gives %v key %x salt %x", got.profile, got.key, got.salt,
					want.Profile, want.Keys.LocalMasterKey, want.Keys.LocalMasterSalt)
			}
		})
	}
}

// What the direct path cannot use leaves it off: no handshake seen, a profile it does not
// encrypt with, a key log line of another kind.
func TestKeyCaptureRefusesWhatItCannotUse(t *testing.T) {
	var none keyCapture
	if _, ok := none.keys(); ok {
		t.Error("keys without a handshake")
	}
	var null keyCapture
	dtlsHandshake(t, dtls.SRTP_NULL_HMAC_SHA1_80, dtls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, dtls.RequireExtendedMasterSecret, &null)
	if _, ok := null.keys(); ok {
		t.Error("keys for the NULL cipher profile")
	}
	var other keyCapture
	dtlsHandshake(t, dtls.SRTP_AEAD_AES_128_GCM, dtls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, dtls.RequireExtendedMasterSecret, &other)
	_, _ = other.Write([]byte("CLIENT_HANDSHAKE_TRAFFIC_SECRET 00 00\n"))
	if _, ok := other.keys(); ok {
		t.Error("keys after a key log line the capture does not understand")
	}
	if prfHash(0xfefe) != nil {
		t.Error("a PRF hash for a cipher suite pion/dtls does not know")
	}
}

// dtlsHandshake runs a DTLS handshake over loopback UDP with the capture on the server side, and
// returns the server's connection.
func dtlsHandshake(t *testing.T, profile dtls.SRTPProtectionProfile, suite dtls.CipherSuiteID,
	ems dtls.ExtendedMasterSecretType, capture *keyCapture,
) *dtls.Conn {
	t.Helper()
	cert, err := selfsign.GenerateSelfSigned()
	if err != nil {
		t.Fatal(err)
	}
	listen := func() *net.UDPConn {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	serverSock, clientSock := listen(), listen()
	config := func() *dtls.Config {
		return &dtls.Config{Certificates: []tls.Certificate{cert}, InsecureSkipVerify: true,
			SRTPProtectionProfiles: []dtls.SRTPProtectionProfile{profile}, CipherSuites: []dtls.CipherSuiteID{suite},
			ExtendedMasterSecret: ems}
	}
	serverConfig := config()
	serverConfig.KeyLogWriter, serverConfig.ServerHelloMessageHook = capture, capture.serverHello
	server, err := dtls.Server(serverSock, clientSock.LocalAddr(), serverConfig)
	if err != nil {
		t.Fatal(err)
	}
	client, err := dtls.Client(clientSock, serverSock.LocalAddr(), config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close(); _ = server.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- client.HandshakeContext(ctx) }()
	if err := server.HandshakeContext(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return server
}
