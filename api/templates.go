package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
)

type templateRequest struct {
	Name string       `json:"name" openapi:"required"`
	Kind templateKind `json:"kind" openapi:"required"`
	// Language is the recipients' language the template is for ("en", "fr"); empty (the
	// default) serves every language without a template of its own.
	Language string `json:"language"`
	Subject  string `json:"subject" openapi:"required"`
	Body     string `json:"body" openapi:"required"`
}

type templateUpdate struct {
	Name     *string `json:"name"`
	Language *string `json:"language"`
	Subject  *string `json:"subject"`
	Body     *string `json:"body"`
}

var templateRules = ownedRules{EditOwn: authz.TemplateEditOwn, EditOther: authz.TemplateEditOther, DeleteOther: authz.TemplateDeleteOther}

// templateKind is one of mail.CustomKinds, the e-mails a workspace can reword; the older
// spellings follow_up_attended and follow_up_missed are accepted and stored as the
// mailer's followup_attended and followup_missed.
type templateKind string

const maxTemplateBody = 20000

func (s *Server) templateRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/email-templates", Tag: "email templates", Action: authz.WorkspaceView, Paged: true,
		Summary: "List e-mail templates", Response: store.EmailTemplate{}, Handler: listOf[store.EmailTemplate](s.base, nil)})
	s.add(route{Method: http.MethodPost, Path: "/v1/email-templates", Tag: "email templates", Action: authz.TemplateCreate, Idempotent: true,
		Summary: "Add an e-mail template (you own it)", Request: templateRequest{}, Response: store.EmailTemplate{},
		Status: http.StatusCreated, Handler: s.createTemplate})
	s.add(route{Method: http.MethodGet, Path: "/v1/email-templates/:id", Tag: "email templates", Action: authz.WorkspaceView,
		Summary: "One e-mail template", Response: store.EmailTemplate{}, Handler: getOf[store.EmailTemplate](s.base)})
	s.add(route{Method: http.MethodPatch, Path: "/v1/email-templates/:id", Tag: "email templates", Action: authz.TemplateEditOwn,
		Summary: "Edit an e-mail template (another person's needs template.edit_other)",
		Request: templateUpdate{}, Response: store.EmailTemplate{}, Handler: s.updateTemplate})
	s.add(route{Method: http.MethodDelete, Path: "/v1/email-templates/:id", Tag: "email templates", Action: authz.TemplateEditOwn,
		Summary: "Delete an e-mail template (another person's needs template.delete_other)",
		Status:  http.StatusNoContent, Handler: s.deleteTemplate})
}

func (r *templateRequest) validate() (err error) {
	if r.Name, err = required("name", r.Name, 120); err != nil {
		return err
	}
	kind, ok := mail.CanonicalKind(string(r.Kind))
	if !ok {
		return badInput("kind", "kind must be one of "+strings.Join(mail.CustomKinds, ", "))
	}
	r.Kind = templateKind(kind)
	if err := templateLanguage(r.Language); err != nil {
		return err
	}
	if r.Subject, err = templateText(kind, "subject", r.Subject, 200); err != nil {
		return err
	}
	r.Body, err = templateText(kind, "body", r.Body, maxTemplateBody)
	return err
}

// templateLanguage accepts no language (every language) or a supported one.
func templateLanguage(lang string) error {
	if lang != "" && !locale.Valid(lang) {
		return badInput("language", "language must be empty (every language) or one of "+strings.Join(locale.Supported(), ", "))
	}
	return nil
}

// templateText checks one field of a template of kind: present, bounded, and rendering
// with sample data for its kind, so an unknown field or function is refused with 422.
func templateText(kind, field, v string, max int) (string, error) {
	v, err := required(field, v, max)
	if err != nil {
		return "", err
	}
	switch err := mail.CheckTemplate(kind, field, v); {
	case errors.Is(err, mail.ErrTemplateSyntax):
		return "", badInput(field, field+" is not a valid template: "+strings.TrimPrefix(err.Error(), mail.ErrTemplateSyntax.Error()+": "))
	case err != nil:
		return "", unprocessable(field, field+" does not render with the data of a "+kind+" e-mail: "+
			strings.TrimPrefix(err.Error(), mail.ErrTemplate.Error()+": "))
	}
	return v, nil
}

func (s *Server) createTemplate(c *gin.Context) {
	var req templateRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	p := caller(c)
	t := &store.EmailTemplate{
		ID: store.NewID("tpl"), WorkspaceID: p.Workspace.ID, OwnerID: p.Member.UserID,
		Name: req.Name, Kind: string(req.Kind), Language: req.Language, Subject: req.Subject, Body: req.Body, CreatedAt: store.Now(),
	}
	t.UpdatedAt = t.CreatedAt
	if err := store.Insert(c.Request.Context(), s.db, t); err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "email_template", t.ID)
	c.JSON(http.StatusCreated, t)
}

func (s *Server) updateTemplate(c *gin.Context) {
	var req templateUpdate
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	t, err := store.Get[store.EmailTemplate](ctx, s.db, caller(c).Workspace.ID, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "email_template", t.ID)
	if err := s.checkOwned(c, templateRules, t.OwnerID, false); err != nil {
		fail(c, err)
		return
	}
	if req.Name != nil {
		if t.Name, err = required("name", *req.Name, 120); err != nil {
			fail(c, err)
			return
		}
	}
	if req.Language != nil {
		if err := templateLanguage(*req.Language); err != nil {
			fail(c, err)
			return
		}
		t.Language = *req.Language
	}
	// A template saved under an older spelling is checked, and kept, as its canonical kind.
	kind, _ := mail.CanonicalKind(t.Kind)
	t.Kind = kind
	if req.Subject != nil {
		if t.Subject, err = templateText(kind, "subject", *req.Subject, 200); err != nil {
			fail(c, err)
			return
		}
	}
	if req.Body != nil {
		if t.Body, err = templateText(kind, "body", *req.Body, maxTemplateBody); err != nil {
			fail(c, err)
			return
		}
	}
	t.UpdatedAt = store.Now()
	if err := store.Update(ctx, s.db, t, "name", "kind", "language", "subject", "body", "updated_at"); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

func (s *Server) deleteTemplate(c *gin.Context) {
	ctx := c.Request.Context()
	ws := caller(c).Workspace.ID
	t, err := store.Get[store.EmailTemplate](ctx, s.db, ws, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "email_template", t.ID)
	if err := s.checkOwned(c, templateRules, t.OwnerID, true); err != nil {
		fail(c, err)
		return
	}
	if err := store.Delete[store.EmailTemplate](ctx, s.db, ws, t.ID); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
