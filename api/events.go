package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/store"
)

type eventRequest struct {
	Title       string `json:"title" openapi:"required"`
	Description string `json:"description"`
	// Language is what the event's pages and e-mails are written in; empty follows the
	// workspace's language.
	Language string         `json:"language"`
	Settings *eventSettings `json:"settings"`
}

type eventUpdate struct {
	Title       *string        `json:"title"`
	Description *string        `json:"description"`
	Language    *string        `json:"language"`
	Settings    *eventSettings `json:"settings"`
}

// eventSettings changes only the settings it names.
type eventSettings struct {
	Approval               *bool     `json:"approval"`
	Capacity               *int      `json:"capacity"`
	Waitlist               *bool     `json:"waitlist"`
	ReminderOffsetsMinutes *[]int    `json:"reminder_offsets_minutes"`
	GreenRoomMinutes       *int      `json:"green_room_minutes"`
	AutoStart              *bool     `json:"auto_start"`
	AutoRecord             *bool     `json:"auto_record"`
	CustomFields           *[]string `json:"custom_fields"`
}

type shareLink struct {
	URL       string `json:"url"`
	Slug      string `json:"slug"`
	Published bool   `json:"published"`
}

func (s *eventsAPI) eventRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/events", Tag: "events", Action: authz.WorkspaceView, Paged: true,
		Summary: "List events", Response: store.Event{}, Handler: listOf[store.Event](s.base, nil)})
	s.add(route{Method: http.MethodPost, Path: "/v1/events", Tag: "events", Action: authz.EventCreate, Idempotent: true,
		Summary: "Create an event (unpublished)", Request: eventRequest{}, Response: store.Event{}, Status: http.StatusCreated, Handler: s.createEvent})
	s.add(route{Method: http.MethodGet, Path: "/v1/events/:id", Tag: "events", Action: authz.WorkspaceView,
		Summary: "One event", Response: store.Event{}, Handler: getOf[store.Event](s.base)})
	s.add(route{Method: http.MethodPatch, Path: "/v1/events/:id", Tag: "events", Action: authz.EventSettings,
		Summary: "Edit an event's title, description and settings", Request: eventUpdate{}, Response: store.Event{}, Handler: s.updateEvent})
	s.add(route{Method: http.MethodDelete, Path: "/v1/events/:id", Tag: "events", Action: authz.EventDelete,
		Summary: "Delete an event with its sessions and registrants (cancel sessions first to notify people)",
		Status:  http.StatusNoContent, Handler: s.deleteEvent})
	s.add(route{ID: "duplicateEvent", Method: http.MethodPost, Path: "/v1/events/:id/duplicate", Tag: "events", Action: authz.EventDuplicate,
		Summary: "Copy an event's title, description and settings into a new unpublished event", Response: store.Event{},
		Status: http.StatusCreated, Handler: s.duplicateEvent})
	s.add(route{Method: http.MethodPost, Path: "/v1/events/:id/publish", Tag: "events", Action: authz.EventSettings,
		Summary: "Open the public registration page", Response: store.Event{}, Handler: s.publishEvent(true)})
	s.add(route{Method: http.MethodPost, Path: "/v1/events/:id/unpublish", Tag: "events", Action: authz.EventSettings,
		Summary: "Close the public registration page", Response: store.Event{}, Handler: s.publishEvent(false)})
	s.add(route{Method: http.MethodGet, Path: "/v1/events/:id/share", Tag: "events", Action: authz.EventShare,
		Summary: "The public registration link", Response: shareLink{}, Handler: s.shareEvent})
}

func (r *eventRequest) validate() (err error) {
	if r.Title, err = required("title", r.Title, 200); err != nil {
		return err
	}
	if r.Description, err = optional("description", r.Description, 10000); err != nil {
		return err
	}
	if err := eventLanguage(r.Language); err != nil {
		return err
	}
	if r.Settings != nil {
		return r.Settings.validate()
	}
	return nil
}

func (r *eventUpdate) validate() (err error) {
	if r.Title != nil {
		if *r.Title, err = required("title", *r.Title, 200); err != nil {
			return err
		}
	}
	if r.Description != nil {
		if *r.Description, err = optional("description", *r.Description, 10000); err != nil {
			return err
		}
	}
	if r.Language != nil {
		if err := eventLanguage(*r.Language); err != nil {
			return err
		}
	}
	if r.Settings != nil {
		return r.Settings.validate()
	}
	return nil
}

// eventLanguage accepts a supported language, or empty for the workspace's.
func eventLanguage(lang string) error {
	if lang != "" && !locale.Valid(lang) {
		return badInput("language", "language must be empty (the workspace's) or one of "+strings.Join(locale.Supported(), ", "))
	}
	return nil
}

func (st *eventSettings) validate() error {
	if st.Capacity != nil {
		if err := inRange("settings.capacity", *st.Capacity, 0, maxCapacity); err != nil {
			return err
		}
	}
	if st.GreenRoomMinutes != nil {
		if err := inRange("settings.green_room_minutes", *st.GreenRoomMinutes, 0, maxEventGreenRoom); err != nil {
			return err
		}
	}
	if st.ReminderOffsetsMinutes != nil {
		return reminderOffsets("settings.reminder_offsets_minutes", *st.ReminderOffsetsMinutes, maxEventReminders)
	}
	return nil
}

// apply writes the named settings onto es, checking custom fields against the
// workspace's attributes.
func (st *eventSettings) apply(ctx context.Context, db bun.IDB, ws string, es *store.EventSettings) error {
	if st == nil {
		return nil
	}
	set := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	set(&es.Approval, st.Approval)
	set(&es.Waitlist, st.Waitlist)
	set(&es.AutoStart, st.AutoStart)
	set(&es.AutoRecord, st.AutoRecord)
	if st.Capacity != nil {
		es.Capacity = *st.Capacity
	}
	if st.ReminderOffsetsMinutes != nil {
		es.ReminderOffsetsMinutes = slices.Clone(*st.ReminderOffsetsMinutes)
	}
	if st.GreenRoomMinutes != nil {
		v := *st.GreenRoomMinutes
		es.GreenRoomMinutes = &v
	}
	if st.CustomFields != nil {
		attrs, err := store.AttributesByKey(ctx, db, ws, *st.CustomFields)
		if err != nil {
			return err
		}
		for _, key := range *st.CustomFields {
			if !slices.ContainsFunc(attrs, func(a store.CustomAttribute) bool { return a.Key == key }) {
				return unprocessable("settings.custom_fields", "no custom attribute has the key "+key)
			}
		}
		es.CustomFields = slices.Clone(*st.CustomFields)
	}
	return nil
}

func (s *eventsAPI) createEvent(c *gin.Context) {
	var req eventRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	p := caller(c)
	if err := activeWorkspace(p.Workspace); err != nil {
		fail(c, err)
		return
	}
	var settings store.EventSettings
	if err := req.Settings.apply(c.Request.Context(), s.db, p.Workspace.ID, &settings); err != nil {
		fail(c, err)
		return
	}
	ev := store.NewEvent(p.Workspace.ID, req.Title, req.Description, settings, p.Member.UserID)
	ev.Language = req.Language
	if err := store.Insert(c.Request.Context(), s.db, ev); err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "event", ev.ID)
	c.JSON(http.StatusCreated, ev)
}

func (s *eventsAPI) updateEvent(c *gin.Context) {
	var req eventUpdate
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	ws := caller(c).Workspace.ID
	ev, err := store.Get[store.Event](ctx, s.db, ws, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "event", ev.ID)
	if req.Title != nil {
		ev.Title = *req.Title
	}
	if req.Description != nil {
		ev.Description = *req.Description
	}
	if req.Language != nil {
		ev.Language = *req.Language
	}
	if err := req.Settings.apply(ctx, s.db, ws, &ev.Settings); err != nil {
		fail(c, err)
		return
	}
	ev.UpdatedAt = store.Now()
	promoted := 0
	err = store.InTx(ctx, s.db, func(ctx context.Context, tx bun.IDB) error {
		if err := store.Update(ctx, tx, ev, "title", "description", "language", "settings", "updated_at"); err != nil {
			return err
		}
		if req.Settings == nil || req.Settings.Capacity == nil {
			return nil
		}
		// Sessions not over follow the new capacity (people already in keep
		// their seat); a larger one lets the waitlist in at once.
		var err error
		promoted, err = store.ResizeEventSessions(ctx, tx, ev.ID, sessionCapacity(caller(c).Workspace, ev))
		return err
	})
	if err != nil {
		fail(c, err)
		return
	}
	if promoted > 0 {
		s.relay.kick()
	}
	c.JSON(http.StatusOK, ev)
}

// deleteEvent refuses while a session is live or an upcoming one still has
// registrants (cancelling it first sends them the notice), stops the other
// sessions' workflows and erases the event.
func (s *eventsAPI) deleteEvent(c *gin.Context) {
	ctx := c.Request.Context()
	ws := caller(c).Workspace.ID
	ev, err := store.Get[store.Event](ctx, s.db, ws, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "event", ev.ID)
	sessions, err := store.EventSessions(ctx, s.db, ev.ID)
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.lifecycle.stopSessionsBeforeErase(c, s.db, sessions, "event deleted"); err != nil {
		fail(c, err)
		return
	}
	if err := store.DeleteEvent(ctx, s.db, ws, ev.ID); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *eventsAPI) duplicateEvent(c *gin.Context) {
	ctx := c.Request.Context()
	p := caller(c)
	if err := activeWorkspace(p.Workspace); err != nil {
		fail(c, err)
		return
	}
	ev, err := store.Get[store.Event](ctx, s.db, p.Workspace.ID, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	cp := store.NewEvent(p.Workspace.ID, ev.Title, ev.Description, ev.Settings, p.Member.UserID)
	cp.Language = ev.Language
	if err := store.Insert(ctx, s.db, cp); err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "event", cp.ID)
	c.JSON(http.StatusCreated, cp)
}

func (s *eventsAPI) publishEvent(publish bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		ev, err := store.Get[store.Event](ctx, s.db, caller(c).Workspace.ID, c.Param("id"))
		if err != nil {
			fail(c, err)
			return
		}
		auditObject(c, "event", ev.ID)
		switch {
		case publish && ev.PublishedAt == nil:
			t := store.Now()
			ev.PublishedAt = &t
		case !publish:
			ev.PublishedAt = nil
		}
		ev.UpdatedAt = store.Now()
		if err := store.Update(ctx, s.db, ev, "published_at", "updated_at"); err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, ev)
	}
}

func (s *eventsAPI) shareEvent(c *gin.Context) {
	ev, err := store.Get[store.Event](c.Request.Context(), s.db, caller(c).Workspace.ID, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, shareLink{URL: s.baseURL + "/e/" + ev.Slug, Slug: ev.Slug, Published: ev.PublishedAt != nil})
}

// eventOf loads the caller's event named by :id.
func (s *base) eventOf(c *gin.Context) (*store.Event, error) {
	ev, err := store.Get[store.Event](c.Request.Context(), s.db, caller(c).Workspace.ID, c.Param("id"))
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("event")
	}
	return ev, err
}
