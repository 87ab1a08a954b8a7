package workflows_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/onairhq/onair/activities"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
	"github.com/onairhq/onair/workflows"
)

func TestWorkspaceDeletionErasesOnlyThatWorkspace(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	doomed := store.NewWorkspace("Doomed", "free")
	kept := store.NewWorkspace("Kept", "free")
	for _, ws := range []*store.Workspace{doomed, kept} {
		if err := store.Insert(ctx, db, ws); err != nil {
			t.Fatal(err)
		}
		u, _ := store.GetOrCreateUser(ctx, db, store.NewSecret(4)+"@example.com", "Owner")
		if _, err := store.AddMember(ctx, db, ws.ID, u, store.RoleOwner, "Owner"); err != nil {
			t.Fatal(err)
		}
	}

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	env.ExecuteWorkflow(workflows.WorkspaceDeletion, workflows.WorkspaceDeletionInput{WorkspaceID: doomed.ID, RequestedBy: "usr_1"})
	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("workflow: completed=%v err=%v", env.IsWorkflowCompleted(), env.GetWorkflowError())
	}
	var res workflows.WorkspaceDeletionResult
	if err := env.GetWorkflowResult(&res); err != nil || !res.Erased {
		t.Fatalf("result %+v, %v", res, err)
	}
	if _, err := store.GetWorkspace(ctx, db, doomed.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("doomed workspace still there: %v", err)
	}
	if n, _ := store.Count[store.Membership](ctx, db, kept.ID); n != 1 {
		t.Fatalf("kept workspace lost its members: %d", n)
	}
}

func TestWorkspaceDeletionRetriesThenSucceeds(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	var acts *activities.Activities
	calls := 0
	env.RegisterActivity(acts)
	env.OnActivity(acts.EraseWorkspace, mock.Anything, activities.EraseWorkspaceInput{WorkspaceID: "ws_x"}).
		Return(func(context.Context, activities.EraseWorkspaceInput) (activities.EraseWorkspaceResult, error) {
			calls++
			if calls < 3 {
				return activities.EraseWorkspaceResult{}, errors.New("database unavailable")
			}
			return activities.EraseWorkspaceResult{Erased: true}, nil
		})
	env.ExecuteWorkflow(workflows.WorkspaceDeletion, workflows.WorkspaceDeletionInput{WorkspaceID: "ws_x"})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if calls != 3 {
		t.Fatalf("erase attempts = %d, want 3 (two failures retried)", calls)
	}
}
