package api

import (
	"github.com/tandemhq/tandem/gen/tandem/v1/tandemv1connect"
	"github.com/tandemhq/tandem/server/domain"
)

// access is who may call a procedure.
type access struct {
	roles   []domain.Role
	visitor bool // the conversation's visitor token
	siteKey bool // the account's public site key
}

func (a access) allows(p domain.Principal) bool {
	switch p.Kind {
	case domain.PrincipalVisitor:
		return a.visitor
	case domain.PrincipalSiteKey:
		return a.siteKey
	case domain.PrincipalAPIKey:
		for _, r := range a.roles {
			if r == p.Role {
				return true
			}
		}
	}
	return false
}

var (
	owner, admin, manager, analyst = domain.RoleOwner, domain.RoleAdmin, domain.RoleManager, domain.RoleAnalyst
	support, helpdesk, service     = domain.RoleSupport, domain.RoleHelpdesk, domain.RoleService

	// readers is every staff role but the partner helpdesk's.
	readers  = []domain.Role{owner, admin, manager, analyst, support, service}
	admins   = []domain.Role{owner, admin}
	managers = []domain.Role{owner, admin, manager}
	inbox    = []domain.Role{owner, admin, manager, support}
)

// policy says who may call each procedure; a procedure missing here is refused.
var policy = map[string]access{
	tandemv1connect.ConversationServiceStartConversationProcedure:   {roles: []domain.Role{service}, siteKey: true},
	tandemv1connect.ConversationServiceSendMessageProcedure:         {roles: []domain.Role{service}, visitor: true},
	tandemv1connect.ConversationServiceIdentifyVisitorProcedure:     {roles: []domain.Role{service}, visitor: true},
	tandemv1connect.ConversationServiceGetConversationProcedure:     {roles: readers, visitor: true},
	tandemv1connect.ConversationServiceListConversationsProcedure:   {roles: readers},
	tandemv1connect.ConversationServiceWatchConversationProcedure:   {roles: []domain.Role{owner, admin, manager, support, service}, visitor: true},
	tandemv1connect.ConversationServiceStreamConversationsProcedure: {roles: []domain.Role{owner, admin, service}},
	tandemv1connect.ConversationServiceCloseConversationProcedure:   {roles: []domain.Role{owner, admin, manager, support, service}, visitor: true},

	tandemv1connect.SkillServiceListSkillsProcedure:             {roles: readers},
	tandemv1connect.SkillServiceGetSkillProcedure:               {roles: readers},
	tandemv1connect.SkillServicePreviewMessageProcedure:         {roles: managers},
	tandemv1connect.SkillServiceRequestSkillProcedure:           {roles: managers},
	tandemv1connect.SkillServiceListSkillRequestsProcedure:      {roles: readers},
	tandemv1connect.SkillServiceListIntegrationsProcedure:       {roles: readers},
	tandemv1connect.SkillServiceConnectIntegrationProcedure:     {roles: admins},
	tandemv1connect.SkillServiceDisconnectIntegrationProcedure:  {roles: admins},
	tandemv1connect.SkillServiceCreateKnowledgeArticleProcedure: {roles: admins},
	tandemv1connect.SkillServiceUpdateKnowledgeArticleProcedure: {roles: admins},
	tandemv1connect.SkillServiceDeleteKnowledgeArticleProcedure: {roles: admins},
	tandemv1connect.SkillServiceListKnowledgeArticlesProcedure:  {roles: readers},
	tandemv1connect.SkillServiceSearchKnowledgeProcedure:        {roles: readers},

	tandemv1connect.HandoffServiceGetHandoffSettingsProcedure:    {roles: readers},
	tandemv1connect.HandoffServiceUpdateHandoffSettingsProcedure: {roles: admins},
	tandemv1connect.HandoffServiceListHandoffsProcedure:          {roles: inbox},
	tandemv1connect.HandoffServiceGetHandoffProcedure:            {roles: append([]domain.Role{helpdesk}, inbox...)},
	tandemv1connect.HandoffServiceClaimHandoffProcedure:          {roles: inbox},
	tandemv1connect.HandoffServiceSendAgentMessageProcedure:      {roles: inbox},
	tandemv1connect.HandoffServiceResolveHandoffProcedure:        {roles: inbox},
	tandemv1connect.HandoffServiceSetAgentAvailabilityProcedure:  {roles: inbox},
	tandemv1connect.HandoffServiceUpdateTicketStatusProcedure:    {roles: []domain.Role{helpdesk}},

	tandemv1connect.MetricsServiceGetOverviewProcedure:         {roles: readers},
	tandemv1connect.MetricsServiceGetSkillPerformanceProcedure: {roles: readers},
	tandemv1connect.MetricsServiceListHandoffLogProcedure:      {roles: readers},
}
