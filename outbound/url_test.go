package outbound

import (
	"context"
	"errors"
	"net/netip"
	"testing"
)

func TestCheckURL(t *testing.T) {
	for _, tc := range []struct {
		url string
		// ok in production; okPrivate with private targets allowed.
		ok, okPrivate bool
	}{
		{"https://hooks.example.com/onair", true, true},
		{"https://hooks.example.com:8443/onair?x=1", true, true},
		{"https://93.184.215.14/hook", true, true},
		{"https://[2606:4700:4700::1111]/hook", true, true},
		{"https://xn--bcher-kva.example/hook", true, true},

		{"http://hooks.example.com/onair", false, true},
		{"ftp://hooks.example.com/onair", false, false},
		{"hooks.example.com/onair", false, false},
		{"mailto:ann@example.com", false, false},
		{"https:///path", false, false},
		{"https://user:pass@hooks.example.com/", false, false},
		{"https://user@hooks.example.com/", false, false},
		{"https://hooks.example.com:0/", false, false},
		{"https://hooks.example.com:99999/", false, false},
		{"https://bücher.example/hook", false, false},
		{"https://under..dots.example/", false, false},

		{"https://127.0.0.1:5432/", false, true},
		{"http://127.0.0.1:8080/hook", false, true},
		{"https://169.254.169.254/latest/meta-data/", false, true},
		{"https://10.0.0.8/", false, true},
		{"https://100.64.1.1/", false, true},
		{"https://0.0.0.0/", false, true},
		{"https://255.255.255.255/", false, true},
		{"https://224.0.0.1/", false, true},
		{"https://[::1]/", false, true},
		{"https://[::ffff:127.0.0.1]/", false, true},
		{"https://[::ffff:7f00:1]/", false, true},
		{"https://[64:ff9b::a9fe:a9fe]/", false, true},
		{"https://[fd00::1]/", false, true},
		{"https://[fe80::1%25eth0]/", false, false},

		// IPv4 in the forms inet_aton and browsers accept.
		{"https://2130706433/", false, false},
		{"https://0177.0.0.1/", false, false},
		{"https://0x7f000001/", false, false},
		{"https://0x7f.0.0.1/", false, false},
		{"https://127.1/", false, false},
		{"https://127.000.000.001/", false, false},

		{"https://localhost/", false, true},
		{"https://LOCALHOST./", false, true},
		{"https://api.localhost/", false, true},
		{"https://metadata.google.internal/computeMetadata/v1/", false, true},
		{"https://metadata/", false, true},
		{"https://instance-data/", false, true},
		{"https://printer.local/", false, true},
		{"https://intranet/", false, true},
	} {
		t.Run(tc.url, func(t *testing.T) {
			for _, p := range []struct {
				policy Policy
				want   bool
			}{{Policy{}, tc.ok}, {Policy{AllowPrivate: true}, tc.okPrivate}} {
				_, err := p.policy.CheckURL(tc.url)
				if (err == nil) != p.want {
					t.Fatalf("AllowPrivate %v: CheckURL(%q) = %v, want ok %v", p.policy.AllowPrivate, tc.url, err, p.want)
				}
				var re *RefusalError
				if err != nil && (!errors.Is(err, ErrRefused) || !errors.As(err, &re) || re.Reason == "") {
					t.Fatalf("error %v is not a RefusalError with a reason wrapping ErrRefused", err)
				}
			}
		})
	}
}

// resolver answers from a fixed table, as DNS would.
type resolver map[string][]string

func (r resolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	names, ok := r[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	var out []netip.Addr
	for _, n := range names {
		out = append(out, netip.MustParseAddr(n))
	}
	return out, nil
}

func TestCheckHost(t *testing.T) {
	dns := resolver{
		"hooks.example.com":   {"93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"},
		"rebind.example.com":  {"93.184.215.14", "127.0.0.1"},
		"private.example.com": {"10.0.0.5"},
		"mapped.example.com":  {"::ffff:169.254.169.254"},
	}
	for _, tc := range []struct {
		url  string
		want error // nil, ErrRefused or ErrUnresolved
	}{
		{"https://hooks.example.com/onair", nil},
		{"https://HOOKS.example.com./onair", nil},
		{"https://93.184.215.14/onair", nil},
		{"https://rebind.example.com/", ErrRefused},
		{"https://private.example.com/", ErrRefused},
		{"https://mapped.example.com/", ErrRefused},
		{"https://nowhere.example.com/", ErrUnresolved},
	} {
		t.Run(tc.url, func(t *testing.T) {
			p := Policy{Resolver: dns}
			u, err := p.CheckURL(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			err = p.CheckHost(context.Background(), u)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("CheckHost(%s) = %v, want %v", tc.url, err, tc.want)
			}
			if err := (Policy{AllowPrivate: true, Resolver: dns}).CheckHost(context.Background(), u); err != nil {
				t.Fatalf("with private targets allowed: %v", err)
			}
		})
	}
}
