package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
)

// registrantDelivery is one e-mail to a registrant, as its delivery record keeps it.
type registrantDelivery struct {
	ID string `json:"id"`
	// Kind is the delivery's kind: the e-mail (confirmation, waitlisted, …) or, for timed
	// ones, the plan's name for it ("reminder:60", "followup").
	Kind string `json:"kind"`
	// ClaimedAt is when the e-mail was queued or claimed by a sender; SentAt when it was done.
	ClaimedAt time.Time  `json:"claimed_at"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
	// State is queued (not done yet), sent (the mail server accepted it) or failed (done
	// without an e-mail leaving: Failure says why).
	State string `json:"state"`
	// SMTPReply is the mail server's answer ("250 2.0.0 Ok: queued as 4F2"), or its refusal.
	SMTPReply string `json:"smtp_reply,omitempty"`
	Failure   string `json:"failure,omitempty"`
}

// registrantDeliveries is every e-mail to one registrant, oldest first.
type registrantDeliveries struct {
	RegistrantID string               `json:"registrant_id"`
	SessionID    string               `json:"session_id"`
	Deliveries   []registrantDelivery `json:"deliveries"`
}

// Delivery states of registrantDelivery.
const (
	deliveryQueued = "queued"
	deliverySent   = "sent"
	deliveryFailed = "failed"
)

func (s *registrationsAPI) registrantDeliveryRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/registrants/:id/deliveries", Tag: "registrants", Action: authz.WorkspaceView,
		Summary:  "Every e-mail sent to a registrant: kind, when claimed and sent, the mail server's answer, why one failed",
		Response: registrantDeliveries{}, Handler: s.registrantDeliveries})
}

func (s *registrationsAPI) registrantDeliveries(c *gin.Context) {
	ctx, ws := c.Request.Context(), caller(c).Workspace.ID
	reg, err := store.Get[store.Registrant](ctx, s.db, ws, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	rows, err := store.RegistrantDeliveries(ctx, s.db, ws, reg.SessionID, reg.ID)
	if err != nil {
		fail(c, err)
		return
	}
	out := registrantDeliveries{RegistrantID: reg.ID, SessionID: reg.SessionID, Deliveries: make([]registrantDelivery, 0, len(rows))}
	for _, d := range rows {
		state := deliveryQueued
		switch {
		case d.SentAt != nil && d.Failure != "":
			state = deliveryFailed
		case d.SentAt != nil:
			state = deliverySent
		}
		out.Deliveries = append(out.Deliveries, registrantDelivery{ID: d.ID, Kind: d.Kind, ClaimedAt: d.CreatedAt, SentAt: d.SentAt,
			State: state, SMTPReply: strings.TrimSpace(d.SMTPReply), Failure: d.Failure})
	}
	c.JSON(http.StatusOK, out)
}
