package contract

// RegistrantImportInput names the import (its CSV and progress are in the store).
type RegistrantImportInput struct {
	ImportID string
}

// RegistrantImportWorkflowID is the one workflow of an import.
func RegistrantImportWorkflowID(importID string) string { return "import:" + importID }
