package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/tracing"
)

// Problem is an RFC 9457 problem document. Type is a stable URI per kind of
// error so clients can branch on it; Action names what authz refused, Field the
// bad input.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	Action string `json:"action,omitempty"`
	Field  string `json:"field,omitempty"`
	// CreatedID names the object a first request created, when a retry cannot replay its
	// answer (the answer held a secret shown once).
	CreatedID string `json:"created_id,omitempty"`
	// RequestID is the id of the request that failed (its X-Request-Id), for a support
	// ticket or a search in the logs.
	RequestID string `json:"request_id,omitempty"`
}

func (p *Problem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail) }

const problemBase = "https://onair.dev/problems/"

func problem(status int, kind, title, detail string) *Problem {
	return &Problem{Type: problemBase + kind, Title: title, Status: status, Detail: detail}
}

// badInput is a 400 naming the offending field.
func badInput(field, detail string) *Problem {
	p := problem(http.StatusBadRequest, "invalid-input", "Invalid input", detail)
	p.Field = field
	return p
}

func unauthenticated(detail string) *Problem {
	return problem(http.StatusUnauthorized, "unauthenticated", "Authentication required", detail)
}

func forbidden(d authz.Decision) *Problem {
	p := problem(http.StatusForbidden, "forbidden", "Permission denied", d.Reason)
	p.Action = string(d.Action)
	return p
}

func notFound(what string) *Problem {
	return problem(http.StatusNotFound, "not-found", "Not found", what+" not found")
}

func conflict(detail string) *Problem {
	return problem(http.StatusConflict, "conflict", "Conflict", detail)
}

func unprocessable(field, detail string) *Problem {
	p := problem(http.StatusUnprocessableEntity, "unprocessable", "Request cannot be carried out", detail)
	p.Field = field
	return p
}

// activeWorkspace refuses new activity (events, session starts) in a
// workspace suspended for an unpaid invoice; reading and data stay available.
func activeWorkspace(ws *store.Workspace) error {
	if ws.SuspendedAt == nil {
		return nil
	}
	return problem(http.StatusPaymentRequired, "workspace-suspended", "Workspace suspended",
		"the workspace is suspended until its overdue invoice is paid; a billing contact can update the payment method")
}

// fail writes err as a problem document and stops the handler chain. Errors
// that are not problems become 400/404/409 when the store says so, else a 500 whose
// detail hides internals (they go to the log).
func fail(c *gin.Context, err error) {
	err = fieldProblem(err)
	var p *Problem
	switch {
	case errors.As(err, &p):
	case errors.Is(err, store.ErrNotFound):
		p = notFound("resource")
	case errors.Is(err, store.ErrConflict):
		p = conflict("a resource with the same unique value already exists")
	default:
		_ = c.Error(err)
		p = problem(http.StatusInternalServerError, "internal", "Internal error", "the server could not complete the request; it has been logged")
	}
	writeProblem(c, p)
}

func writeProblem(c *gin.Context, p *Problem) {
	answer := *p // p may be shared (a sentinel); the id is this request's
	answer.RequestID = tracing.RequestID(c.Request.Context())
	c.Header("Content-Type", "application/problem+json")
	c.AbortWithStatusJSON(answer.Status, &answer)
}
