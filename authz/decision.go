package authz

import (
	"errors"
	"fmt"
)

// ErrDenied is what every refusal wraps: errors.Is(err, ErrDenied) maps to HTTP 403.
var ErrDenied = errors.New("authz: denied")

// Decision is the answer to one question, with a reason fit for a problem+json detail and
// the audit log.
type Decision struct {
	Allowed bool
	Action  Action
	Reason  string
}

// Err is nil when the action is allowed, otherwise a *DeniedError.
func (d Decision) Err() error {
	if d.Allowed {
		return nil
	}
	return &DeniedError{Action: d.Action, Reason: d.Reason}
}

// DeniedError names the refused action so callers can report it (§6: 403 names the action).
type DeniedError struct {
	Action Action
	Reason string
}

func (e *DeniedError) Error() string {
	return fmt.Sprintf("authz: denied %s: %s", e.Action, e.Reason)
}

// Unwrap makes errors.Is(err, ErrDenied) true.
func (e *DeniedError) Unwrap() error { return ErrDenied }

func permit(a Action, reason string) Decision {
	return Decision{Allowed: true, Action: a, Reason: reason}
}

func refuse(a Action, reason string) Decision {
	return Decision{Allowed: false, Action: a, Reason: reason}
}
