package store

import (
	"time"

	"github.com/uptrace/bun"
)

// Workspace is a tenant: its public profile, settings and plan.
type Workspace struct {
	bun.BaseModel `bun:"table:workspaces"`

	ID                 string            `bun:",pk" json:"id"`
	Name               string            `bun:",notnull" json:"name"`
	Slug               string            `bun:",notnull,unique" json:"slug"`
	Website            string            `bun:",notnull,default:''" json:"website"`
	Description        string            `bun:",notnull,default:''" json:"description"`
	Language           string            `bun:",notnull,default:'en'" json:"language"`
	Timezone           string            `bun:",notnull,default:'UTC'" json:"timezone"`
	LogoType           string            `bun:",notnull,default:''" json:"-"`
	Logo               []byte            `bun:",nullzero" json:"-"`
	CompanyPageEnabled bool              `bun:",notnull,default:true" json:"company_page_enabled"`
	Settings           WorkspaceSettings `bun:",notnull" json:"settings"`
	Plan               string            `bun:",notnull" json:"plan"`
	StripeCustomerID   string            `bun:",notnull,default:''" json:"-"`
	// SuspendedAt is set by billing when dunning ends unpaid: no new events or
	// session starts until an invoice is paid; data stays untouched.
	SuspendedAt *time.Time `bun:",nullzero" json:"suspended_at,omitempty"`
	// DeletingAt is set when deletion was asked; the WorkspaceDeletion workflow erases the rest.
	DeletingAt *time.Time `bun:",nullzero" json:"deleting_at,omitempty"`
	CreatedAt  time.Time  `bun:",notnull" json:"created_at"`
	UpdatedAt  time.Time  `bun:",notnull" json:"updated_at"`
}

// WorkspaceSettings are the account-wide defaults (spec: settings.manage).
type WorkspaceSettings struct {
	ReminderOffsetsMinutes []int  `json:"reminder_offsets_minutes"`
	GreenRoomMinutes       int    `json:"green_room_minutes"`
	RetentionDays          int    `json:"retention_days"` // 0 keeps data forever
	BrandColor             string `json:"brand_color"`
	// ConsentText is asked to be accepted (a required checkbox) on the registration pages;
	// empty asks nothing.
	ConsentText string `json:"consent_text,omitempty"`
	// EmbedOrigins may frame the registration form (/e/<slug>/embed) and call the public
	// registration JSON from the browser (CORS): "https://www.example.com".
	EmbedOrigins []string `json:"embed_origins,omitempty"`
}

// DefaultSettings are what a new workspace starts with.
func DefaultSettings() WorkspaceSettings {
	return WorkspaceSettings{ReminderOffsetsMinutes: []int{1440, 60, 10}, GreenRoomMinutes: 30, BrandColor: "#3b5bdb"}
}

// User is a person with an account; the same e-mail may belong to several workspaces.
type User struct {
	bun.BaseModel `bun:"table:users"`

	ID        string    `bun:",pk" json:"id"`
	Email     string    `bun:",notnull,unique" json:"email"`
	Name      string    `bun:",notnull" json:"name"`
	CreatedAt time.Time `bun:",notnull" json:"created_at"`
}

// Membership ties a user to a workspace with a role and flags.
type Membership struct {
	bun.BaseModel `bun:"table:memberships"`

	ID          string `bun:",pk" json:"id"`
	WorkspaceID string `bun:",notnull,unique:membership_user" json:"-"`
	UserID      string `bun:",notnull,unique:membership_user" json:"user_id"`
	Role        string `bun:",notnull" json:"role"`
	// Name is how this person appears in this workspace; each workspace keeps
	// its own, so renaming oneself in one changes no other.
	Name           string    `bun:",notnull,default:''" json:"name"`
	BillingContact bool      `bun:",notnull,default:false" json:"billing_contact"`
	HostLicence    bool      `bun:",notnull,default:false" json:"host_licence"`
	CreatedAt      time.Time `bun:",notnull" json:"created_at"`
	UpdatedAt      time.Time `bun:",notnull" json:"updated_at"`

	User *User `bun:"rel:belongs-to,join:user_id=id" json:"user,omitempty"`
}

// Invitation asks someone by e-mail to join a workspace; only the token's hash is kept.
type Invitation struct {
	bun.BaseModel `bun:"table:invitations"`

	ID          string     `bun:",pk" json:"id"`
	WorkspaceID string     `bun:",notnull" json:"-"`
	Email       string     `bun:",notnull" json:"email"`
	Role        string     `bun:",notnull" json:"role"`
	TokenHash   string     `bun:",notnull,unique" json:"-"`
	InvitedBy   string     `bun:",notnull" json:"invited_by"`
	ExpiresAt   time.Time  `bun:",notnull" json:"expires_at"`
	AcceptedAt  *time.Time `bun:",nullzero" json:"accepted_at,omitempty"`
	RevokedAt   *time.Time `bun:",nullzero" json:"revoked_at,omitempty"`
	CreatedAt   time.Time  `bun:",notnull" json:"created_at"`
}

// APIKey authenticates one user in one workspace; only a SHA-256 of the secret is kept.
type APIKey struct {
	bun.BaseModel `bun:"table:api_keys"`

	ID          string     `bun:",pk" json:"id"`
	WorkspaceID string     `bun:",notnull" json:"-"`
	UserID      string     `bun:",notnull" json:"user_id"`
	Name        string     `bun:",notnull" json:"name"`
	Prefix      string     `bun:",notnull" json:"prefix"`
	Hash        string     `bun:",notnull,unique" json:"-"`
	CreatedAt   time.Time  `bun:",notnull" json:"created_at"`
	LastUsedAt  *time.Time `bun:",nullzero" json:"last_used_at,omitempty"`
	RevokedAt   *time.Time `bun:",nullzero" json:"revoked_at,omitempty"`
}

// CustomAttribute is a registration field defined by (and owned by) a team member.
type CustomAttribute struct {
	bun.BaseModel `bun:"table:custom_attributes"`

	ID          string    `bun:",pk" json:"id"`
	WorkspaceID string    `bun:",notnull,unique:attribute_key" json:"-"`
	OwnerID     string    `bun:",notnull" json:"owner_id"`
	Key         string    `bun:",notnull,unique:attribute_key" json:"key"`
	Label       string    `bun:",notnull" json:"label"`
	Type        string    `bun:",notnull" json:"type"`
	Options     []string  `bun:",notnull" json:"options"`
	Required    bool      `bun:",notnull,default:false" json:"required"`
	CreatedAt   time.Time `bun:",notnull" json:"created_at"`
	UpdatedAt   time.Time `bun:",notnull" json:"updated_at"`
}

// EmailTemplate overrides the default text of one kind of e-mail; owned by its author.
type EmailTemplate struct {
	bun.BaseModel `bun:"table:email_templates"`

	ID          string `bun:",pk" json:"id"`
	WorkspaceID string `bun:",notnull" json:"-"`
	OwnerID     string `bun:",notnull" json:"owner_id"`
	Name        string `bun:",notnull" json:"name"`
	Kind        string `bun:",notnull" json:"kind"`
	// Language is the recipients' language the template is for ("fr"); empty serves
	// every language without a template of its own.
	Language  string    `bun:",notnull,default:''" json:"language"`
	Subject   string    `bun:",notnull" json:"subject"`
	Body      string    `bun:",notnull" json:"body"`
	CreatedAt time.Time `bun:",notnull" json:"created_at"`
	UpdatedAt time.Time `bun:",notnull" json:"updated_at"`
}

// WebhookEndpoint is an outbound integration: where the events it subscribes to
// are delivered (webhook_outbox.go), signed with a secret derived from its id.
type WebhookEndpoint struct {
	bun.BaseModel `bun:"table:webhook_endpoints"`

	ID          string   `bun:",pk" json:"id"`
	WorkspaceID string   `bun:",notnull" json:"-"`
	URL         string   `bun:",notnull" json:"url"`
	Events      []string `bun:",notnull" json:"events"`
	Description string   `bun:",notnull,default:''" json:"description"`
	// SecretVersion picks the signing secret, derived by LinkKey.WebhookSecret
	// (none is stored); bumping it rotates the secret.
	SecretVersion int `bun:",notnull,default:0" json:"-"`
	// PreviousSecretUntil is when the secret before a rotation stops signing too.
	PreviousSecretUntil *time.Time `bun:",nullzero" json:"previous_secret_until,omitempty"`
	// Enabled endpoints receive deliveries; a disabled one keeps its queue, sent
	// once it is enabled again. DisabledReason says why it stopped.
	Enabled        bool   `bun:",notnull,default:true" json:"enabled"`
	DisabledReason string `bun:",notnull,default:''" json:"disabled_reason,omitempty"`
	// FailingSince is the first failed attempt since the last success: after
	// the retry window the relay disables the endpoint.
	FailingSince *time.Time `bun:",nullzero" json:"failing_since,omitempty"`
	CreatedBy    string     `bun:",notnull" json:"created_by"`
	CreatedAt    time.Time  `bun:",notnull" json:"created_at"`
}

// Person is a contact of the workspace: anyone who registered to any of its events.
type Person struct {
	bun.BaseModel `bun:"table:people"`

	ID          string    `bun:",pk" json:"id"`
	WorkspaceID string    `bun:",notnull,unique:person_email" json:"-"`
	Email       string    `bun:",notnull,unique:person_email" json:"email"`
	Name        string    `bun:",notnull,default:''" json:"name"`
	CreatedAt   time.Time `bun:",notnull" json:"created_at"`
	UpdatedAt   time.Time `bun:",notnull" json:"updated_at"`
}

// AuditEntry records who did (or was refused) what, to which object.
type AuditEntry struct {
	bun.BaseModel `bun:"table:audit_log"`

	ID          string    `bun:",pk" json:"id"`
	WorkspaceID string    `bun:",notnull" json:"-"`
	ActorID     string    `bun:",notnull" json:"actor_id"`
	Action      string    `bun:",notnull" json:"action"`
	Object      string    `bun:",notnull" json:"object"`
	Outcome     string    `bun:",notnull" json:"outcome"`
	Reason      string    `bun:",notnull,default:''" json:"reason,omitempty"`
	CreatedAt   time.Time `bun:",notnull" json:"created_at"`
}

// Audit outcomes.
const (
	OutcomeGranted = "granted"
	OutcomeDenied  = "denied"
)

// IdempotencyRecord remembers the answer to a creating POST so a retry with the
// same Idempotency-Key gets the same answer instead of a second object.
type IdempotencyRecord struct {
	bun.BaseModel `bun:"table:idempotency_keys"`

	Scope       string    `bun:",pk" json:"-"`
	Key         string    `bun:",pk" json:"-"`
	RequestHash string    `bun:",notnull" json:"-"`
	StatusCode  int       `bun:",notnull" json:"-"`
	Body        []byte    `bun:",notnull" json:"-"`
	CreatedAt   time.Time `bun:",notnull" json:"-"`
}

// Models are every table's model, in the order the migrations create them; the
// drift test holds them and migrations/ together.
func Models() []any {
	return append([]any{
		(*Workspace)(nil), (*User)(nil), (*Membership)(nil), (*Invitation)(nil), (*APIKey)(nil),
		(*CustomAttribute)(nil), (*EmailTemplate)(nil), (*WebhookEndpoint)(nil), (*Person)(nil),
		(*AuditEntry)(nil), (*IdempotencyRecord)(nil), (*WebhookEvent)(nil), (*WebhookDelivery)(nil),
		(*Event)(nil), (*Session)(nil), (*SessionStaff)(nil), (*Registrant)(nil), (*Delivery)(nil),
		(*RegistrantImport)(nil), (*InvitationBatch)(nil),
		(*BillingAccount)(nil), (*BillingEvent)(nil), (*LocalSubscription)(nil), (*LocalInvoice)(nil),
	}, append(append(RoomTables(), (*PendingSignup)(nil), (*Unsubscribe)(nil)), append(PlacementTables(), CascadeTables()...)...)...)
}
