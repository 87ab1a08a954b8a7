// Package authz owns who may do what in onair: the roles and permissions matrix of
// shared/spec/permissions.md kept as data (workspace §2, event §3, room §4), the pricing-model
// rule that turns a workspace role into host or moderator event rights (§1), the billing-contact
// flag, and the room footnotes (stage invites, answering live, private questions).
//
// Every decision denies by default (§6): an action missing from the tables is refused. The
// package imports nothing of onair, so the API, the workflows and the media service all ask
// the same questions of the same data.
package authz
