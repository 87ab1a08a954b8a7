package control

import (
	"net/http"

	"github.com/onairhq/onair/media/mediactl"
)

// attendance answers from the store, so it also covers rooms already closed (Rooms.Attendance).
func (c *control) attendance(w http.ResponseWriter, r *http.Request) {
	session := r.PathValue("session")
	rows, err := c.rooms.Attendance(r.Context(), session)
	if err != nil {
		c.log.Error("read attendance", "session", session, "err", err)
		writeProblem(w, http.StatusInternalServerError, "could not read attendance")
		return
	}
	out := make([]mediactl.Attendance, len(rows))
	for i, a := range rows {
		out[i] = mediactl.Attendance{PersonID: a.PersonID, Role: a.Role, Name: a.Name, JoinedAt: a.JoinedAt,
			LeftAt: a.LeftAt, Seconds: a.Seconds}
	}
	writeJSON(w, http.StatusOK, map[string]any{"attendance": out})
}
