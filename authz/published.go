package authz

// The matrix as data for people and programs (GET /v1/permissions): the same
// tables Can and CanInRoom read, with every cell named, never a copy of them.

// Cell values of the published matrix.
const (
	CellAllowed        = "allowed"
	CellDenied         = "denied"
	CellBillingContact = "billing_contact"  // the owner always; an admin when flagged billing contact
	CellOnStage        = "on_stage"         // only while on stage
	CellOwnWhenPrivate = "own_when_private" // all questions, or only one's own in private-questions mode
	CellDeniedInRoom   = "denied_in_room"   // done from the workspace, never from a live room
)

var cellNames = map[cell]string{
	deny: CellDenied, allow: CellAllowed, ifBillingContact: CellBillingContact,
	ifOnStage: CellOnStage, ifOwnWhenPrivate: CellOwnWhenPrivate, denyInRoom: CellDeniedInRoom,
}

// MatrixTable is one table of the matrix: who its columns are and, per action,
// each column's cell.
type MatrixTable struct {
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Columns     []string    `json:"columns"`
	Rows        []MatrixRow `json:"rows"`
}

// MatrixRow is one action: what it lets one do, and each column's cell.
type MatrixRow struct {
	Action Action            `json:"action"`
	Does   string            `json:"does"`
	Cells  map[string]string `json:"cells"`
}

// The columns of each table, in the order its rows hold their cells.
var (
	workspaceColumns = []string{string(RoleOwner), string(RoleAdmin), string(RoleMember)}
	eventColumns     = []string{string(RightsHost), string(RightsModerator)}
	roomColumns      = []string{string(SessionHost), string(SessionModerator), string(SessionSpeaker), string(SessionParticipant)}
)

// Matrix publishes the three tables: workspace roles, event rights and session roles.
func Matrix() []MatrixTable {
	ws := MatrixTable{Name: "workspace", Columns: workspaceColumns, Description: "What each workspace role may do in the workspace."}
	for _, r := range workspaceMatrix {
		ws.Rows = append(ws.Rows, row(r.action, workspaceColumns, r.owner, r.admin, r.member))
	}
	ev := MatrixTable{Name: "event", Columns: eventColumns,
		Description: "What host and moderator rights allow with events and sessions. On a contacts plan every team member has host rights; " +
			"on a seats plan only those with a host licence do, the others moderator rights."}
	for _, r := range eventMatrix {
		ev.Rows = append(ev.Rows, row(r.action, eventColumns, r.host, r.moderator))
	}
	room := MatrixTable{Name: "room", Columns: roomColumns, Description: "What each session role may do in a live room."}
	for _, r := range roomMatrix {
		room.Rows = append(room.Rows, row(r.action, roomColumns, r.host, r.moderator, r.speaker, r.participant))
	}
	return []MatrixTable{ws, ev, room}
}

// row names the cells of one action, given in the order of columns.
func row(a Action, columns []string, cells ...cell) MatrixRow {
	r := MatrixRow{Action: a, Does: a.phrase(), Cells: make(map[string]string, len(cells))}
	for i, c := range cells {
		r.Cells[columns[i]] = cellNames[c]
	}
	return r
}

// ValidSessionRole reports whether r is a session role of §4.
func ValidSessionRole(r SessionRole) bool { return r.valid() }

// IsRoomAction reports whether a is decided in a live room by the session role
// (CanInRoom) rather than by the workspace role.
func IsRoomAction(a Action) bool {
	_, w := workspaceIndex[a]
	_, e := eventIndex[a]
	_, r := roomIndex[a]
	return r && !w && !e
}
