package domain

// Role is what an account API key may do.
type Role string

// The roles.
const (
	// RoleOwner manages everything, including keys.
	RoleOwner Role = "owner"
	// RoleAdmin manages settings, integrations and knowledge.
	RoleAdmin Role = "admin"
	// RoleManager supervises the team and reads everything.
	RoleManager Role = "manager"
	// RoleAnalyst reads conversations and metrics.
	RoleAnalyst Role = "analyst"
	// RoleSupport is an inbox agent.
	RoleSupport Role = "support"
	// RoleHelpdesk is a partner helpdesk: HandoffService only.
	RoleHelpdesk Role = "helpdesk"
	// RoleService is an internal service or the messaging gateway.
	RoleService Role = "service"
)

// Roles lists every role in order of decreasing privilege.
var Roles = []Role{RoleOwner, RoleAdmin, RoleManager, RoleAnalyst, RoleSupport, RoleHelpdesk, RoleService}

// ParseRole returns the role with the given name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", Errorf(EInvalid, "unknown role %q: use one of owner, admin, manager, analyst, support, helpdesk, service", s)
}

// PrincipalKind is the kind of credential a caller presented.
type PrincipalKind int

// The principal kinds.
const (
	// PrincipalAPIKey is an account API key with a role.
	PrincipalAPIKey PrincipalKind = iota + 1
	// PrincipalSiteKey is the account's public site key (the widget before a conversation).
	PrincipalSiteKey
	// PrincipalVisitor is a visitor token scoped to one conversation.
	PrincipalVisitor
)

// Principal is the authenticated caller of a request.
type Principal struct {
	// Kind is the kind of credential.
	Kind PrincipalKind
	// AccountID is the account every read and write is confined to.
	AccountID string
	// Role is the API key's role (PrincipalAPIKey only).
	Role Role
	// KeyID is the API key's id (PrincipalAPIKey only).
	KeyID string
	// KeyName is the API key's name (PrincipalAPIKey only).
	KeyName string
	// ConversationID is the one conversation a visitor token opens (PrincipalVisitor only).
	ConversationID string
}

// Actor returns the principal as the party that performs an action.
func (p Principal) Actor() Actor {
	switch p.Kind {
	case PrincipalVisitor:
		return Actor{Kind: ActorVisitor}
	case PrincipalAPIKey:
		return Actor{Kind: ActorStaff, KeyID: p.KeyID, Name: p.KeyName}
	default:
		return Actor{Kind: ActorSystem}
	}
}

// CheckConversation returns EPermission when a visitor token is used on another
// conversation than its own; API keys pass (the account boundary is enforced by storage).
func (p Principal) CheckConversation(conversationID string) error {
	if p.Kind == PrincipalVisitor && p.ConversationID != conversationID {
		return Errorf(EPermission, "this visitor token belongs to another conversation")
	}
	return nil
}
