package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
)

// WebhookSecret is the signing secret of a webhook endpoint at version, in the
// Standard Webhooks form ("whsec_" and the base64 of 32 key bytes). Like
// personal links it is derived under the server's key, never stored, so a copy
// of the database cannot forge deliveries; bumping the endpoint's
// secret_version rotates it.
func (k LinkKey) WebhookSecret(endpointID string, version int) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte("webhook\x00" + endpointID + "\x00" + strconv.Itoa(version)))
	return "whsec_" + base64.StdEncoding.EncodeToString(m.Sum(nil))
}
