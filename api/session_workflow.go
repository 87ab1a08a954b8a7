package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/workflows/contract"
)

// startSessionWorkflow starts the session's SessionLifecycle with the event's
// settings (workspace defaults where the event sets none) and the plan's limits.
func (l *lifecycle) startSession(ctx context.Context, ws *store.Workspace, ev *store.Event, ses *store.Session) error {
	offsets := ws.Settings.ReminderOffsetsMinutes
	if ev.Settings.ReminderOffsetsMinutes != nil {
		offsets = ev.Settings.ReminderOffsetsMinutes
	}
	green := ws.Settings.GreenRoomMinutes
	if ev.Settings.GreenRoomMinutes != nil {
		green = *ev.Settings.GreenRoomMinutes
	}
	in := contract.SessionLifecycleInput{
		SessionID: ses.ID, WorkspaceID: ws.ID, EventID: ev.ID, Title: ev.Title,
		StartsAt: ses.StartsAt, DurationMinutes: ses.DurationMinutes, Timezone: ses.Timezone,
		ReminderOffsetsMinutes: offsets, GreenRoomMinutes: green, AutoStart: ev.Settings.AutoStart,
		MaxDuration: billing.PlanOf(ws.Plan).MaxSessionDuration,
	}
	return l.start(ctx, client.StartWorkflowOptions{
		ID: contract.SessionWorkflowID(ses.ID),
		TypedSearchAttributes: temporal.NewSearchAttributes(
			contract.WorkspaceKey.ValueSet(ws.ID), contract.EventKey.ValueSet(ev.ID),
			contract.SessionStatusKey.ValueSet(store.SessionScheduled), contract.ScheduledStartKey.ValueSet(ses.StartsAt),
		),
		Memo:          map[string]any{"title": ev.Title},
		StaticSummary: ev.Title + " — " + ses.StartsAt.Format(time.RFC3339),
	}, contract.SessionLifecycleWorkflow, in)
}

// querySession asks a session's workflow for its state (contract.StatusQuery).
func (l *lifecycle) querySession(ctx context.Context, sessionID string) (converter.EncodedValue, error) {
	v, err := l.client.QueryWorkflowWithOptions(ctx, &client.QueryWorkflowWithOptionsRequest{
		WorkflowID: contract.SessionWorkflowID(sessionID), QueryType: contract.StatusQuery,
	})
	if err != nil {
		return nil, err
	}
	return v.QueryResult, nil
}

// updateSession runs one update of a session's workflow and waits for its
// result. Refusals become problems: a state conflict (live, over) 409, an
// impossible schedule 422, a finished workflow 409.
func (l *lifecycle) updateSession(ctx context.Context, sessionID, name string, arg any) (contract.SessionState, error) {
	var state contract.SessionState
	h, err := l.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: contract.SessionWorkflowID(sessionID), UpdateName: name, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, &state)
	}
	if err == nil {
		return state, nil
	}
	var app *temporal.ApplicationError
	switch {
	case errors.As(err, &app) && app.Type() == "BadSchedule":
		return state, unprocessable("starts_at", app.Message())
	case errors.As(err, &app) && app.Type() == contract.ErrSessionState:
		return state, conflict(app.Message())
	case isWorkflowGone(err):
		return state, conflict("the session is over: it takes no more changes")
	}
	l.log.ErrorContext(ctx, "session update failed", "session", sessionID, "update", name, "err", err)
	return state, problem(http.StatusServiceUnavailable, "unavailable", "Try again later", "the workflow engine did not answer")
}

// isWorkflowGone reports a workflow that does not run (finished or never started).
// stopSessionsBeforeErase makes sure erasing these sessions leaves nobody
// untold: it refuses (409) while one is live, still sends its cancellation
// notices, or is upcoming with registrants (cancel it first so they get the
// notice); then it stops the remaining sessions' workflows.
func (l *lifecycle) stopSessionsBeforeErase(c *gin.Context, db bun.IDB, sessions []store.Session, reason string) error {
	ctx := c.Request.Context()
	for _, ses := range sessions {
		switch {
		case ses.Status == store.SessionLive:
			return conflict("session " + ses.ID + " is live; stop it first")
		case ses.Status == store.SessionCancelled:
			running, err := l.sessionRunning(ctx, ses.ID)
			if err != nil {
				return err
			}
			if running {
				c.Header("Retry-After", "5")
				return conflict("session " + ses.ID + " is still sending its cancellation notices; retry shortly")
			}
		case !ses.Closed():
			expected, err := store.HasExpectedRegistrants(ctx, db, ses.ID)
			if err != nil {
				return err
			}
			if expected {
				return conflict("session " + ses.ID + " still has registrants; cancel it first (POST /v1/sessions/" + ses.ID + "/cancel) so they are told")
			}
		}
	}
	for _, ses := range sessions {
		if ses.Closed() {
			continue
		}
		err := l.client.TerminateWorkflow(ctx, contract.SessionWorkflowID(ses.ID), "", reason)
		if err != nil && !isWorkflowGone(err) {
			return err
		}
	}
	return nil
}

// sessionWorkflowRunning reports whether the session's workflow is still open.
func (l *lifecycle) sessionRunning(ctx context.Context, sessionID string) (bool, error) {
	desc, err := l.client.DescribeWorkflowExecution(ctx, contract.SessionWorkflowID(sessionID), "")
	if isWorkflowGone(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return desc.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, nil
}

func isWorkflowGone(err error) bool {
	var nf *serviceerror.NotFound
	var fp *serviceerror.FailedPrecondition
	return errors.As(err, &nf) || errors.As(err, &fp)
}
