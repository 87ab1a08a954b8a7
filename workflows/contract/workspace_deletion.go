package contract

// WorkspaceDeletionInput asks to delete one workspace.
type WorkspaceDeletionInput struct {
	WorkspaceID string
	RequestedBy string // user id, for the logs
}

// WorkspaceDeletionResult reports what happened.
type WorkspaceDeletionResult struct {
	Erased bool
}

// WorkspaceDeletionWorkflowID is the one id per workspace, so a second request joins the first.
func WorkspaceDeletionWorkflowID(workspaceID string) string { return "workspace-delete:" + workspaceID }
