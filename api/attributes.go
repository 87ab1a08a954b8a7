package api

import (
	"net/http"
	"regexp"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
)

type attributeRequest struct {
	Key      string   `json:"key" openapi:"required"`
	Label    string   `json:"label" openapi:"required"`
	Type     string   `json:"type" openapi:"required"`
	Options  []string `json:"options"`
	Required bool     `json:"required"`
}

type attributeUpdate struct {
	Label    *string   `json:"label"`
	Options  *[]string `json:"options"`
	Required *bool     `json:"required"`
}

var attributeRules = ownedRules{EditOwn: authz.AttributeEditOwn, EditOther: authz.AttributeEditOther, DeleteOther: authz.AttributeDeleteOther}

var (
	attributeKey   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	attributeTypes = []string{"text", "number", "select", "checkbox", "date"}
)

const maxAttributeOptions = 100

func (s *Server) attributeRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/attributes", Tag: "attributes", Action: authz.WorkspaceView, Paged: true,
		Summary: "List custom registration attributes", Response: store.CustomAttribute{}, Handler: listOf[store.CustomAttribute](s.base, nil)})
	s.add(route{Method: http.MethodPost, Path: "/v1/attributes", Tag: "attributes", Action: authz.AttributeCreate, Idempotent: true,
		Summary: "Add a custom attribute (you own it)", Request: attributeRequest{}, Response: store.CustomAttribute{},
		Status: http.StatusCreated, Handler: s.createAttribute})
	s.add(route{Method: http.MethodGet, Path: "/v1/attributes/:id", Tag: "attributes", Action: authz.WorkspaceView,
		Summary: "One custom attribute", Response: store.CustomAttribute{}, Handler: getOf[store.CustomAttribute](s.base)})
	s.add(route{Method: http.MethodPatch, Path: "/v1/attributes/:id", Tag: "attributes", Action: authz.AttributeEditOwn,
		Summary: "Edit a custom attribute (another person's needs attribute.edit_other)",
		Request: attributeUpdate{}, Response: store.CustomAttribute{}, Handler: s.updateAttribute})
	s.add(route{Method: http.MethodDelete, Path: "/v1/attributes/:id", Tag: "attributes", Action: authz.AttributeEditOwn,
		Summary: "Delete a custom attribute (another person's needs attribute.delete_other)",
		Status:  http.StatusNoContent, Handler: s.deleteAttribute})
}

func (s *Server) createAttribute(c *gin.Context) {
	var req attributeRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	p := caller(c)
	a := &store.CustomAttribute{
		ID: store.NewID("attr"), WorkspaceID: p.Workspace.ID, OwnerID: p.Member.UserID, Key: req.Key,
		Label: req.Label, Type: req.Type, Options: req.Options, Required: req.Required,
	}
	a.CreatedAt = store.Now()
	a.UpdatedAt = a.CreatedAt
	if err := store.Insert(c.Request.Context(), s.db, a); err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "attribute", a.ID)
	c.JSON(http.StatusCreated, a)
}

func (r *attributeRequest) validate() (err error) {
	if !attributeKey.MatchString(r.Key) {
		return badInput("key", "key must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 40)")
	}
	if r.Label, err = required("label", r.Label, 120); err != nil {
		return err
	}
	if !slices.Contains(attributeTypes, r.Type) {
		return badInput("type", "type must be one of text, number, select, checkbox, date")
	}
	r.Options, err = attributeOptions(r.Type, r.Options)
	return err
}

// attributeOptions checks the choices of a select attribute (and that other types have none).
func attributeOptions(typ string, options []string) ([]string, error) {
	if typ != "select" {
		if len(options) > 0 {
			return nil, badInput("options", "options apply only to select attributes")
		}
		return []string{}, nil
	}
	if len(options) == 0 || len(options) > maxAttributeOptions {
		return nil, badInput("options", "a select attribute needs from 1 to 100 options")
	}
	out := make([]string, 0, len(options))
	for _, o := range options {
		v, err := required("options", o, 120)
		if err != nil {
			return nil, err
		}
		if slices.Contains(out, v) {
			return nil, badInput("options", "options must be distinct")
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *Server) updateAttribute(c *gin.Context) {
	var req attributeUpdate
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	a, err := store.Get[store.CustomAttribute](ctx, s.db, caller(c).Workspace.ID, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "attribute", a.ID)
	if err := s.checkOwned(c, attributeRules, a.OwnerID, false); err != nil {
		fail(c, err)
		return
	}
	if req.Label != nil {
		if a.Label, err = required("label", *req.Label, 120); err != nil {
			fail(c, err)
			return
		}
	}
	if req.Options != nil {
		if a.Options, err = attributeOptions(a.Type, *req.Options); err != nil {
			fail(c, err)
			return
		}
	}
	if req.Required != nil {
		a.Required = *req.Required
	}
	a.UpdatedAt = store.Now()
	if err := store.Update(ctx, s.db, a, "label", "options", "required", "updated_at"); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

func (s *Server) deleteAttribute(c *gin.Context) {
	ctx := c.Request.Context()
	ws := caller(c).Workspace.ID
	a, err := store.Get[store.CustomAttribute](ctx, s.db, ws, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "attribute", a.ID)
	if err := s.checkOwned(c, attributeRules, a.OwnerID, true); err != nil {
		fail(c, err)
		return
	}
	if err := store.Delete[store.CustomAttribute](ctx, s.db, ws, a.ID); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
