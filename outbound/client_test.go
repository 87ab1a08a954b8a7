package outbound

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// listen serves on a loopback address of the given network, as an internal
// service would; ok is false when the machine has no such address.
func listen(t *testing.T, network, addr string) (url string, ok bool) {
	t.Helper()
	l, err := net.Listen(network, addr)
	if err != nil {
		return "", false
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		_, _ = w.Write([]byte("internal"))
	}))
	_ = srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL, true
}

func TestClientRefusesInternalAddresses(t *testing.T) {
	v4, _ := listen(t, "tcp4", "127.0.0.1:0")
	targets := []string{v4, strings.Replace(v4, "127.0.0.1", "localhost", 1)}
	if v6, ok := listen(t, "tcp6", "[::1]:0"); ok {
		targets = append(targets, v6)
	}
	for _, target := range targets {
		t.Run(target, func(t *testing.T) {
			res, err := Policy{}.Client().Get(target + "/")
			if err == nil {
				res.Body.Close()
				t.Fatalf("GET %s connected (status %d); the dialer should refuse a loopback address", target, res.StatusCode)
			}
			if !errors.Is(err, ErrRefused) {
				t.Fatalf("GET %s: %v, want an error wrapping ErrRefused", target, err)
			}
		})
	}
}

func TestClientWithPrivateTargetsAllowed(t *testing.T) {
	target, _ := listen(t, "tcp4", "127.0.0.1:0")
	client := Policy{AllowPrivate: true}.Client()
	res, err := client.Get(target + "/")
	if err != nil {
		t.Fatalf("GET %s with private targets allowed: %v", target, err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", res.StatusCode)
	}

	// A redirect is handed back, not followed: it could lead anywhere.
	res, err = client.Get(target + "/redirect")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/elsewhere" {
		t.Fatalf("redirect answered %d to %q, want the 302 itself", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestDialerRefusesNonTCP(t *testing.T) {
	_, err := Policy{AllowPrivate: true}.Dialer().Dial("udp4", "127.0.0.1:53")
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("dial udp: %v, want ErrRefused", err)
	}
}
