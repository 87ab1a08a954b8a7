package api_test

import (
	"net/http"
	"testing"
)

// wantProblem asserts a problem answer (isProblem) that, when field is not
// empty, names the field.
func wantProblem(t *testing.T, r reply, status int, field string) map[string]any {
	t.Helper()
	p := isProblem(t, r, status)
	if field != "" && p["field"] != field {
		t.Fatalf("problem names field %v, want %q: %s", p["field"], field, r.Body)
	}
	return p
}

// want4xxProblem asserts a client-error problem document of any 4xx status.
func want4xxProblem(t *testing.T, r reply) map[string]any {
	t.Helper()
	if r.Status < 400 || r.Status > 499 {
		t.Fatalf("status %d, want 4xx: %s", r.Status, r.Body)
	}
	return wantProblem(t, r, r.Status, "")
}

// wantUnauthenticated asserts a 401 problem with a Bearer challenge.
func wantUnauthenticated(t *testing.T, r reply) {
	t.Helper()
	wantProblem(t, r, http.StatusUnauthorized, "")
	if got := r.Header.Get("WWW-Authenticate"); len(got) < 6 || got[:6] != "Bearer" {
		t.Fatalf("WWW-Authenticate %q, want a Bearer challenge", got)
	}
}
