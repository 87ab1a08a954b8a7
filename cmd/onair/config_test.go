package main

import "testing"

// TestWebhookPolicyFromEnvironment: webhook endpoints stay public-only unless
// ONAIR_WEBHOOKS_ALLOW_PRIVATE says true; a value that is neither is refused.
func TestWebhookPolicyFromEnvironment(t *testing.T) {
	for _, tc := range []struct {
		value   string
		allow   bool
		invalid bool
	}{
		{"", false, false},
		{"false", false, false},
		{"true", true, false},
		{"1", true, false},
		{"yes please", false, true},
	} {
		t.Run(tc.value, func(t *testing.T) {
			t.Setenv("ONAIR_WEBHOOKS_ALLOW_PRIVATE", tc.value)
			p, err := loadConfig().webhookPolicy()
			if (err != nil) != tc.invalid {
				t.Fatalf("error %v, want invalid %v", err, tc.invalid)
			}
			if p.AllowPrivate != tc.allow {
				t.Fatalf("AllowPrivate %v, want %v", p.AllowPrivate, tc.allow)
			}
		})
	}
}

// TestStorePoolFromEnvironment: ONAIR_DB_MAX_CONNS sizes the Postgres pool; unset is the
// store's default, and a value that is no count of connections is refused.
func TestStorePoolFromEnvironment(t *testing.T) {
	for _, tc := range []struct {
		value   string
		conns   int
		invalid bool
	}{
		{"", 0, false},
		{"40", 40, false},
		{" 8 ", 8, false},
		{"0", 0, true},
		{"-3", 0, true},
		{"twenty", 0, true},
		{"100000", 0, true},
	} {
		t.Run(tc.value, func(t *testing.T) {
			t.Setenv("ONAIR_DB_MAX_CONNS", tc.value)
			p, err := loadConfig().storePool()
			if (err != nil) != tc.invalid {
				t.Fatalf("error %v, want invalid %v", err, tc.invalid)
			}
			if p.MaxConns != tc.conns {
				t.Fatalf("MaxConns %d, want %d", p.MaxConns, tc.conns)
			}
		})
	}
}
