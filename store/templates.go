package store

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/mail"
)

// TemplateFor returns the workspace's e-mail template of any of kinds (one kind and its
// older spellings) for a recipient writing lang: the newest written for lang, else the
// newest written for no language in particular, or ErrNotFound (the default is then used).
func TemplateFor(ctx context.Context, db bun.IDB, ws, lang string, kinds []string) (*EmailTemplate, error) {
	t := new(EmailTemplate)
	err := db.NewSelect().Model(t).Where("workspace_id = ?", ws).Where("kind IN (?)", bun.In(kinds)).
		Where("language IN (?)", bun.In([]string{lang, ""})).
		OrderExpr("CASE WHEN language = '' THEN 1 ELSE 0 END, updated_at DESC").Limit(1).Scan(ctx)
	return t, notFound("template "+kinds[0], err)
}

// MailTemplate is t as the mailer renders it, or nil for no template.
func (t *EmailTemplate) MailTemplate() *mail.Template {
	if t == nil {
		return nil
	}
	return &mail.Template{Subject: t.Subject, Text: t.Body}
}
