package store_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/onairhq/onair/store"
)

// A webhook secret is Standard Webhooks' whsec_ + base64 of 32 bytes, the same
// for the same endpoint and version, and different for another endpoint,
// version or key.
func TestWebhookSecretIsDerived(t *testing.T) {
	k := store.LinkKey(strings.Repeat("k", store.MinLinkKeyLen))
	s := k.WebhookSecret("wh_a", 0)
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
	if !strings.HasPrefix(s, "whsec_") || err != nil || len(raw) != 32 {
		t.Fatalf("secret %q: %v, %d bytes", s, err, len(raw))
	}
	if k.WebhookSecret("wh_a", 0) != s {
		t.Fatal("the same endpoint and version derive another secret")
	}
	other := store.LinkKey(strings.Repeat("o", store.MinLinkKeyLen))
	for _, d := range []string{k.WebhookSecret("wh_b", 0), k.WebhookSecret("wh_a", 1), other.WebhookSecret("wh_a", 0)} {
		if d == s {
			t.Fatalf("%q derived twice", d)
		}
	}
}
