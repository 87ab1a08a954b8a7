package contract

// InvitationsInput names the batch; its addresses are in the store, so the
// history stays small whatever the list's length.
type InvitationsInput struct {
	SessionID, BatchID string
}

// InvitationsProgress is the progress query's answer.
type InvitationsProgress struct {
	Processed, Total int
}

// InvitationsProgressQuery reads how far a batch is.
const InvitationsProgressQuery = "progress"

// InvitationsWorkflowID is the workflow of one batch of one session.
func InvitationsWorkflowID(sessionID, batchID string) string {
	return "invitations:" + sessionID + ":" + batchID
}
