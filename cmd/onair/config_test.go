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
