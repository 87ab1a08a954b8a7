package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
)

// tellWebhookDisabled e-mails the workspace's owners and admins that the relay
// is about to disable an endpoint, in the workspace's language. It runs before
// the endpoint is disabled, so a crash in between sends it again rather than
// never (each recipient's copy keeps one Message-ID).
func (a *Activities) tellWebhookDisabled(ctx context.Context, e *store.WebhookEndpoint, lastError string) error {
	ws, err := store.GetWorkspace(ctx, a.DB, e.WorkspaceID)
	if err != nil {
		return err
	}
	admins, err := store.WorkspaceAdminEmails(ctx, a.DB, ws.ID)
	if err != nil {
		return err
	}
	data := mail.WebhookDisabled{WorkspaceName: ws.Name, Endpoint: strings.TrimPrefix(strings.TrimPrefix(e.URL, "https://"), "http://"), FailingSince: *e.FailingSince, LastError: lastError,
		EnableCall: `PATCH /v1/webhooks/` + e.ID + ` {"enabled": true}`}
	if loc, err := time.LoadLocation(ws.Timezone); err == nil {
		data.FailingSince = data.FailingSince.In(loc) // the team's wall clock
	}
	t, err := mail.DefaultTemplate(mail.KindWebhookDisabled)
	if err != nil {
		return err
	}
	for _, to := range admins {
		m, err := mail.Compose(mail.Envelope{Kind: mail.KindWebhookDisabled, To: to, Lang: ws.Language,
			Brand: a.workspaceBrand(ws), Data: data}, t)
		if err != nil {
			return fmt.Errorf("compose webhook_disabled for %s: %w", e.ID, err)
		}
		sum := sha256.Sum256([]byte(e.ID + "\x00" + e.FailingSince.String() + "\x00" + to))
		m.ID = "whk_" + hex.EncodeToString(sum[:16])
		if err := a.Mail.Send(ctx, m); err != nil {
			return fmt.Errorf("send webhook_disabled for %s: %w", e.ID, err)
		}
	}
	return nil
}
