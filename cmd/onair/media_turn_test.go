package main

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onairhq/onair/media/turn"
)

// Each join is told the TURN servers with credentials of its own; a TURN setting that cannot
// work stops the media node at startup with a message naming the variable.
func TestTURNSettings(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	missing := filepath.Join(t.TempDir(), "turn.pem")
	for _, tc := range []struct {
		name string
		turn turnSettings
		want string
	}{
		{"ports without a secret", turnSettings{UDPPort: "3478"}, "ONAIR_TURN_SECRET is required"},
		{"a secret without a server", turnSettings{Secret: "s"}, "no TURN server"},
		{"external and embedded at once", turnSettings{Secret: "s", URLs: []string{"turn:coturn:3478"}, UDPPort: "3478"}, "ONAIR_TURN_URLS"},
		{"an external URL that is not TURN", turnSettings{Secret: "s", URLs: []string{"https://coturn"}}, "not a turn: or turns: URL"},
		{"TLS without a certificate", turnSettings{Secret: "s", TLSPort: "0", RelayIP: "127.0.0.1", ListenIP: "127.0.0.1"}, "ONAIR_TURN_CERT_FILE"},
		{"a certificate file that is missing", turnSettings{Secret: "s", TLSPort: "0", RelayIP: "127.0.0.1", ListenIP: "127.0.0.1",
			CertFile: missing, KeyFile: missing}, "turn.pem: no such file"},
		{"no relay address", turnSettings{Secret: "s", UDPPort: "0", ListenIP: "127.0.0.1"}, "ONAIR_TURN_RELAY_IP is required"},
		{"a relay address that is a name", turnSettings{Secret: "s", UDPPort: "0", RelayIP: "turn.example.com", ListenIP: "127.0.0.1"}, "not an IP address"},
		{"a port that is no port", turnSettings{Secret: "s", UDPPort: "turn", RelayIP: "127.0.0.1"}, "ONAIR_TURN_UDP_PORT"},
		{"a relay range that is no range", turnSettings{Secret: "s", UDPPort: "0", RelayIP: "127.0.0.1", ListenIP: "127.0.0.1",
			RelayPorts: "50000"}, "ONAIR_TURN_RELAY_PORTS"},
		{"a credential lifetime that is no duration", turnSettings{Secret: "s", URLs: []string{"turn:coturn:3478"}, CredentialTTL: "1 day"}, "ONAIR_TURN_CREDENTIAL_TTL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, server, err := mediaTURN(config{TURN: tc.turn, MediaURL: "http://localhost:8090"}, log)
			if err == nil {
				if server != nil {
					_ = server.Close()
				}
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}

	t.Run("no TURN", func(t *testing.T) {
		iceServers, server, err := mediaTURN(config{}, log)
		if iceServers != nil || server != nil || err != nil {
			t.Fatalf("TURN without settings: %v %v %v", iceServers != nil, server, err)
		}
	})
	t.Run("external coturn", func(t *testing.T) {
		iceServers, server, err := mediaTURN(config{TURN: turnSettings{Secret: "coturn secret",
			URLs: []string{"turn:turn.example.com:3478", "turns:turn.example.com:443?transport=tcp"}}}, log)
		if err != nil || server != nil {
			t.Fatalf("external coturn: server %v, %v", server, err)
		}
		got := iceServers("prs_1")
		if len(got) != 1 || len(got[0].URLs) != 2 || !strings.HasSuffix(got[0].Username, ":prs_1") ||
			got[0].Credential != turn.Password([]byte("coturn secret"), got[0].Username) {
			t.Fatalf("ICE servers %+v", got)
		}
	})
	t.Run("embedded server", func(t *testing.T) {
		iceServers, server, err := mediaTURN(config{TURN: turnSettings{Secret: "s", UDPPort: "0", ListenIP: "127.0.0.1"},
			MediaURL: "https://media.example.com", MediaPublicIPs: []string{"127.0.0.1"}}, log)
		if err != nil {
			t.Fatal(err)
		}
		defer server.Close()
		got := iceServers("prs_1")
		if len(got) != 1 || len(got[0].URLs) != 1 || !strings.HasPrefix(got[0].URLs[0], "turn:media.example.com:") ||
			!strings.HasSuffix(got[0].URLs[0], "?transport=udp") || strings.HasSuffix(got[0].URLs[0], ":0?transport=udp") {
			t.Fatalf("ICE servers %+v", got)
		}
	})
}
