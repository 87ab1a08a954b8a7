package api_test

import (
	"net/http"
	"testing"
)

// TestWorkspaceLanguageIsOneOnairSpeaks: "klingon" was accepted and stored.
func TestWorkspaceLanguageIsOneOnairSpeaks(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signup("Polyglot")
	for _, bad := range []string{"klingon", "de", "", "en-US"} {
		wantProblem(t, h.call("PATCH", "/v1/workspace", owner.Key, map[string]any{"language": bad}), http.StatusBadRequest, "language")
	}
	if got := h.must(http.StatusOK, "GET", "/v1/workspace", owner.Key, nil).field(t, "language"); got != "en" {
		t.Fatalf("language after refused changes: %q, want en", got)
	}
	if got := h.must(http.StatusOK, "PATCH", "/v1/workspace", owner.Key, map[string]any{"language": "FR"}).field(t, "language"); got != "fr" {
		t.Fatalf("language FR stored as %q, want fr", got)
	}
}
