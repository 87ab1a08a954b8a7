package webhookevents

import (
	"strings"
	"testing"
	"time"
)

// The example of the Standard Webhooks documentation signs the same as ours,
// and a rotation's two secrets give two signatures.
func TestSignatureMatchesTheStandardWebhooksExample(t *testing.T) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	at := time.Unix(1614265330, 0)
	body := []byte(`{"test": 2432232314}`)
	got, err := Signature([]string{secret}, "msg_p5jXN8AQM9LWM0D4loKWxJek", at, body)
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("signature %q, want %q", got, want)
	}
	two, err := Signature([]string{secret, "whsec_" + strings.Repeat("A", 43) + "="}, "msg_1", at, body)
	if err != nil || len(strings.Fields(two)) != 2 {
		t.Fatalf("two secrets signed %q, %v", two, err)
	}
	if _, err := Signature([]string{"whsec_not base64!"}, "msg_1", at, body); err == nil {
		t.Fatal("a secret that is not base64 signed")
	}
}
