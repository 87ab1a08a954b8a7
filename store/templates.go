package store

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/mail"
)

// TemplateFor returns the workspace's newest e-mail template of any of kinds (one kind
// and its older spellings), or ErrNotFound.
func TemplateFor(ctx context.Context, db bun.IDB, ws string, kinds ...string) (*EmailTemplate, error) {
	t := new(EmailTemplate)
	err := db.NewSelect().Model(t).Where("workspace_id = ?", ws).Where("kind IN (?)", bun.In(kinds)).
		OrderExpr("updated_at DESC").Limit(1).Scan(ctx)
	return t, notFound("template "+kinds[0], err)
}

// MailTemplate is t as the mailer renders it, or nil for no template.
func (t *EmailTemplate) MailTemplate() *mail.Template {
	if t == nil {
		return nil
	}
	return &mail.Template{Subject: t.Subject, Text: t.Body}
}
