package api_test

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"testing"

	"github.com/onairhq/onair/api"
	"github.com/onairhq/onair/outbound"
)

// testDNS answers the names the API tests give webhook endpoints, so a URL
// check resolves them without a network; other names do not resolve.
var testDNS = fixedDNS{
	"hooks.example.com":      {"93.184.215.14"},
	"ops.example.org":        {"2606:2800:21f:cb07:6820:80da:af6b:8b2c"},
	"intranet.example.com":   {"10.20.30.40"},
	"rebinding.example.com":  {"93.184.215.14", "127.0.0.1"},
	"metadata.example.com":   {"169.254.169.254"},
	"mapped-v6.example.com":  {"::ffff:127.0.0.1"},
	"nat64-meta.example.com": {"64:ff9b::a9fe:a9fe"},
}

type fixedDNS map[string][]string

func (d fixedDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	addrs, ok := d[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	out := make([]netip.Addr, len(addrs))
	for i, a := range addrs {
		out[i] = netip.MustParseAddr(a)
	}
	return out, nil
}

// TestWebhookURLsReachOnlyPublicTargets: an endpoint pointing at our own
// network, a cloud metadata service or a name resolving there is refused at
// creation and at update with a problem naming url; public ones are kept.
func TestWebhookURLsReachOnlyPublicTargets(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Hooks")
	hook := func(url string) map[string]any { return map[string]any{"url": url, "events": []string{"*"}} }

	for _, tc := range []struct {
		url    string
		status int
	}{
		{"https://127.0.0.1:5432/", http.StatusBadRequest},
		{"https://169.254.169.254/latest/meta-data/", http.StatusBadRequest},
		{"https://metadata.google.internal/computeMetadata/v1/", http.StatusBadRequest},
		{"https://[::1]/", http.StatusBadRequest},
		{"https://[::ffff:127.0.0.1]/", http.StatusBadRequest},
		{"https://[64:ff9b::a00:1]/", http.StatusBadRequest},
		{"https://2130706433/", http.StatusBadRequest},
		{"https://0177.0.0.1/", http.StatusBadRequest},
		{"https://0x7f000001/", http.StatusBadRequest},
		{"https://127.1/", http.StatusBadRequest},
		{"https://user:pass@hooks.example.com/", http.StatusBadRequest},
		{"https://localhost/hook", http.StatusBadRequest},
		{"https://app.localhost/hook", http.StatusBadRequest},
		{"https://192.168.1.1/", http.StatusBadRequest},
		{"https://100.64.0.1/", http.StatusBadRequest},
		{"https://[fd00::1]/", http.StatusBadRequest},
		{"https://[fe80::1]/", http.StatusBadRequest},
		{"https://224.0.0.1/", http.StatusBadRequest},
		{"https://255.255.255.255/", http.StatusBadRequest},
		{"https://0.0.0.0/", http.StatusBadRequest},
		{"http://hooks.example.com/onair", http.StatusBadRequest},
		{"ftp://hooks.example.com/onair", http.StatusBadRequest},
		{"https://intranet.example.com/hook", http.StatusUnprocessableEntity},
		{"https://rebinding.example.com/hook", http.StatusUnprocessableEntity},
		{"https://metadata.example.com/hook", http.StatusUnprocessableEntity},
		{"https://mapped-v6.example.com/hook", http.StatusUnprocessableEntity},
		{"https://nat64-meta.example.com/hook", http.StatusUnprocessableEntity},
		{"https://unresolvable.example.com/hook", http.StatusUnprocessableEntity},
	} {
		t.Run(tc.url, func(t *testing.T) {
			wantProblem(t, h.call("POST", "/v1/webhooks", owner.Key, hook(tc.url)), tc.status, "url")
		})
	}
	var list struct{ Data []any }
	h.must(http.StatusOK, "GET", "/v1/webhooks", owner.Key, nil).json(t, &list)
	if len(list.Data) != 0 {
		t.Fatalf("%d endpoints stored after refusals: %v", len(list.Data), list.Data)
	}

	id := h.must(http.StatusCreated, "POST", "/v1/webhooks", owner.Key, hook("https://hooks.example.com/onair")).field(t, "id")
	h.must(http.StatusCreated, "POST", "/v1/webhooks", owner.Key, hook("https://[2606:4700:4700::1111]:8443/x"))
	wantProblem(t, h.call("PATCH", "/v1/webhooks/"+id, owner.Key, map[string]string{"url": "https://169.254.169.254/"}), http.StatusBadRequest, "url")
	wantProblem(t, h.call("PATCH", "/v1/webhooks/"+id, owner.Key, map[string]string{"url": "https://intranet.example.com/"}), http.StatusUnprocessableEntity, "url")
	got := h.must(http.StatusOK, "PATCH", "/v1/webhooks/"+id, owner.Key, map[string]any{
		"url": "https://ops.example.org/onair", "events": []string{"session.started", "session.ended"}, "description": "ops"})
	if u := got.field(t, "url"); u != "https://ops.example.org/onair" {
		t.Fatalf("url after update %q", u)
	}
	h.must(http.StatusOK, "PATCH", "/v1/webhooks/"+id, owner.Key, map[string]string{"description": "only the text"})
	wantProblem(t, h.call("PATCH", "/v1/webhooks/"+id, owner.Key, map[string]any{"events": []string{"nope"}}), http.StatusBadRequest, "events")
}

// TestWebhooksAllowPrivateForDevelopment: with ONAIR_WEBHOOKS_ALLOW_PRIVATE a
// receiver on the same machine, over http, is accepted; credentials in the URL
// and odd IPv4 forms still are not.
func TestWebhooksAllowPrivateForDevelopment(t *testing.T) {
	h, _ := serve(t, api.Params{Webhooks: outbound.Policy{AllowPrivate: true, Resolver: testDNS}})
	owner := h.signup("Dev hooks")
	for _, url := range []string{"http://127.0.0.1:5432/", "http://localhost:9000/hook", "https://intranet.example.com/", "http://[::1]:8080/"} {
		h.must(http.StatusCreated, "POST", "/v1/webhooks", owner.Key, map[string]any{"url": url, "events": []string{"*"}})
	}
	for _, url := range []string{"http://user:pass@localhost/", "http://2130706433/"} {
		wantProblem(t, h.call("POST", "/v1/webhooks", owner.Key, map[string]any{"url": url, "events": []string{"*"}}), http.StatusBadRequest, "url")
	}
}
