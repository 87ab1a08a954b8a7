package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/workflows/contract"
)

type workspaceUpdate struct {
	Name        *string `json:"name"`
	Website     *string `json:"website"`
	Description *string `json:"description"`
	Language    *string `json:"language"`
	Timezone    *string `json:"timezone"`
}

type companyPage struct {
	Enabled *bool `json:"enabled" openapi:"required"`
}

type settingsUpdate struct {
	ReminderOffsetsMinutes *[]int  `json:"reminder_offsets_minutes"`
	GreenRoomMinutes       *int    `json:"green_room_minutes"`
	RetentionDays          *int    `json:"retention_days"`
	BrandColor             *string `json:"brand_color"`
	// ConsentText is asked to be accepted on the registration pages; "" removes it.
	ConsentText *string `json:"consent_text"`
	// EmbedOrigins may frame the registration form and call the public registration JSON:
	// https origins ("https://www.example.com"; http only for localhost).
	EmbedOrigins *[]string `json:"embed_origins"`
}

func (s *workspaceAPI) workspaceRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/workspace", Tag: "workspace", Action: authz.WorkspaceView,
		Summary: "View the workspace profile", Response: store.Workspace{}, Handler: s.getWorkspace})
	s.add(route{Method: http.MethodPatch, Path: "/v1/workspace", Tag: "workspace", Action: authz.WorkspaceEditField,
		Summary: "Edit profile fields", Request: workspaceUpdate{}, Response: store.Workspace{}, Handler: s.updateWorkspace})
	s.add(route{Method: http.MethodDelete, Path: "/v1/workspace", Tag: "workspace", Action: authz.WorkspaceDelete,
		Summary:  "Delete the workspace: its keys stop at once and a workflow erases its data",
		Response: deletionStarted{}, Status: http.StatusAccepted, Handler: s.deleteWorkspace})
	s.add(route{Method: http.MethodPut, Path: "/v1/workspace/company-page", Tag: "workspace", Action: authz.CompanyPageDisable,
		Summary: "Turn the public company page on or off", Request: companyPage{}, Response: store.Workspace{}, Handler: s.setCompanyPage})
	s.add(route{Method: http.MethodGet, Path: "/v1/workspace/settings", Tag: "workspace", Action: authz.WorkspaceView,
		Summary: "Account-wide settings", Response: store.WorkspaceSettings{}, Handler: s.getSettings})
	s.add(route{Method: http.MethodPatch, Path: "/v1/workspace/settings", Tag: "workspace", Action: authz.SettingsManage,
		Summary: "Change account-wide settings (reminder defaults, green room, retention, branding, consent text, embedding origins)",
		Request: settingsUpdate{}, Response: store.WorkspaceSettings{}, Handler: s.updateSettings})
	s.logoRoutes()
}

func (s *workspaceAPI) getWorkspace(c *gin.Context) { c.JSON(http.StatusOK, caller(c).Workspace) }

func (s *workspaceAPI) updateWorkspace(c *gin.Context) {
	var req workspaceUpdate
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	ws := caller(c).Workspace
	auditObject(c, "workspace", ws.ID)
	var cols []string
	set := func(field string, v *string, dst *string, max int, need bool) error {
		if v == nil {
			return nil
		}
		check := optional
		if need {
			check = required
		}
		val, err := check(field, *v, max)
		*dst = val
		cols = append(cols, field)
		return err
	}
	errs := []error{
		set("name", req.Name, &ws.Name, 120, true),
		set("website", req.Website, &ws.Website, 300, false),
		set("description", req.Description, &ws.Description, 2000, false),
		set("language", req.Language, &ws.Language, 16, true),
		set("timezone", req.Timezone, &ws.Timezone, 64, true),
	}
	for _, err := range errs {
		if err != nil {
			fail(c, err)
			return
		}
	}
	if req.Language != nil {
		ws.Language = strings.ToLower(ws.Language)
		if !locale.Valid(ws.Language) {
			fail(c, badInput("language", "language must be one of "+strings.Join(locale.Supported(), ", ")))
			return
		}
	}
	if req.Timezone != nil {
		if _, err := time.LoadLocation(ws.Timezone); err != nil {
			fail(c, badInput("timezone", "timezone must be an IANA time zone such as Europe/Paris"))
			return
		}
	}
	if req.Website != nil && ws.Website != "" && !isHTTPURL(ws.Website) {
		fail(c, badInput("website", "website must be an http(s) URL"))
		return
	}
	if len(cols) > 0 {
		if err := store.TouchWorkspace(c.Request.Context(), s.db, ws, cols...); err != nil {
			fail(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, ws)
}

type deletionStarted struct {
	WorkflowID string `json:"workflow_id"`
}

// deleteWorkspace refuses while sessions still owe registrants a notice, then
// marks the workspace (its keys stop working at once) and hands the erase to
// the WorkspaceDeletion workflow, which survives crashes and retries.
func (s *workspaceAPI) deleteWorkspace(c *gin.Context) {
	p := caller(c)
	ws := p.Workspace
	ctx := c.Request.Context()
	sessions, err := store.WorkspaceSessions(ctx, s.db, ws.ID)
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.lifecycle.stopSessionsBeforeErase(c, s.db, sessions, "workspace deleted"); err != nil {
		fail(c, err)
		return
	}
	if err := store.MarkWorkspaceDeleting(ctx, s.db, ws); err != nil {
		fail(c, err)
		return
	}
	id := contract.WorkspaceDeletionWorkflowID(ws.ID)
	err = s.lifecycle.start(ctx, client.StartWorkflowOptions{
		ID:                       id,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		TypedSearchAttributes:    temporal.NewSearchAttributes(contract.WorkspaceKey.ValueSet(ws.ID)),
		StaticSummary:            "Delete workspace " + ws.Name,
	}, contract.WorkspaceDeletionWorkflow, contract.WorkspaceDeletionInput{WorkspaceID: ws.ID, RequestedBy: p.Member.UserID})
	if err != nil {
		s.log.ErrorContext(ctx, "workspace deletion not started", "workspace", ws.ID, "err", err)
		if err := store.UnmarkWorkspaceDeleting(context.WithoutCancel(ctx), s.db, ws); err != nil {
			s.log.ErrorContext(ctx, "workspace left marked for deletion", "workspace", ws.ID, "err", err)
		}
		fail(c, problem(http.StatusServiceUnavailable, "unavailable", "Try again later", "the workflow engine did not accept the deletion; nothing was deleted"))
		return
	}
	s.log.InfoContext(ctx, "workspace deletion started", "workspace", ws.ID, "by", p.Member.UserID, "workflow_id", id)
	c.JSON(http.StatusAccepted, deletionStarted{WorkflowID: id})
}

func (s *workspaceAPI) setCompanyPage(c *gin.Context) {
	var req companyPage
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	if req.Enabled == nil {
		fail(c, badInput("enabled", "enabled is required (true or false)"))
		return
	}
	ws := caller(c).Workspace
	auditObject(c, "workspace", ws.ID)
	ws.CompanyPageEnabled = *req.Enabled
	if err := store.TouchWorkspace(c.Request.Context(), s.db, ws, "company_page_enabled"); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ws)
}

func (s *workspaceAPI) getSettings(c *gin.Context) {
	c.JSON(http.StatusOK, caller(c).Workspace.Settings)
}

func (r *settingsUpdate) validate() error {
	if r.ReminderOffsetsMinutes != nil {
		if err := reminderOffsets("reminder_offsets_minutes", *r.ReminderOffsetsMinutes, maxDefaultReminders); err != nil {
			return err
		}
	}
	if r.GreenRoomMinutes != nil {
		if err := inRange("green_room_minutes", *r.GreenRoomMinutes, 0, maxDefaultGreenRoom); err != nil {
			return err
		}
	}
	if r.RetentionDays != nil {
		if err := inRange("retention_days", *r.RetentionDays, 0, maxRetentionDays); err != nil {
			return err
		}
	}
	if r.ConsentText != nil {
		text, err := optional("consent_text", *r.ConsentText, maxConsentText)
		if err != nil {
			return err
		}
		r.ConsentText = &text
	}
	if r.EmbedOrigins != nil {
		origins, err := embedOrigins("embed_origins", *r.EmbedOrigins)
		if err != nil {
			return err
		}
		r.EmbedOrigins = &origins
	}
	return nil
}

func (s *workspaceAPI) updateSettings(c *gin.Context) {
	var req settingsUpdate
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	ws := caller(c).Workspace
	auditObject(c, "workspace", ws.ID)
	st := ws.Settings
	if req.ReminderOffsetsMinutes != nil {
		st.ReminderOffsetsMinutes = *req.ReminderOffsetsMinutes
	}
	if req.GreenRoomMinutes != nil {
		st.GreenRoomMinutes = *req.GreenRoomMinutes
	}
	if req.RetentionDays != nil {
		st.RetentionDays = *req.RetentionDays
	}
	if req.BrandColor != nil {
		if !isHexColor(*req.BrandColor) {
			fail(c, badInput("brand_color", "brand_color must be a hex colour like #3b5bdb"))
			return
		}
		st.BrandColor = *req.BrandColor
	}
	if req.ConsentText != nil {
		st.ConsentText = *req.ConsentText
	}
	if req.EmbedOrigins != nil {
		st.EmbedOrigins = *req.EmbedOrigins
	}
	ws.Settings = st
	if err := store.TouchWorkspace(c.Request.Context(), s.db, ws, "settings"); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ws.Settings)
}
