package api

import (
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/server/domain"
)

var (
	handoffStatuses = bimap[domain.HandoffStatus, tandemv1.HandoffStatus]{
		domain.HandoffPending: tandemv1.HandoffStatus_HANDOFF_STATUS_PENDING, domain.HandoffClaimed: tandemv1.HandoffStatus_HANDOFF_STATUS_CLAIMED,
		domain.HandoffDelivered: tandemv1.HandoffStatus_HANDOFF_STATUS_DELIVERED, domain.HandoffResolved: tandemv1.HandoffStatus_HANDOFF_STATUS_RESOLVED,
	}
	destinations = bimap[domain.HandoffDestination, tandemv1.HandoffDestination]{
		domain.DestinationInbox: tandemv1.HandoffDestination_HANDOFF_DESTINATION_INBOX, domain.DestinationZendesk: tandemv1.HandoffDestination_HANDOFF_DESTINATION_ZENDESK,
		domain.DestinationGorgias: tandemv1.HandoffDestination_HANDOFF_DESTINATION_GORGIAS,
	}
	handoffReasons = bimap[domain.HandoffReason, tandemv1.HandoffReason]{
		domain.HandoffVisitorRequested: tandemv1.HandoffReason_HANDOFF_REASON_VISITOR_REQUESTED,
		domain.HandoffSkillUnavailable: tandemv1.HandoffReason_HANDOFF_REASON_SKILL_UNAVAILABLE,
		domain.HandoffLowConfidence:    tandemv1.HandoffReason_HANDOFF_REASON_LOW_CONFIDENCE,
		domain.HandoffToolFailure:      tandemv1.HandoffReason_HANDOFF_REASON_TOOL_FAILURE,
		domain.HandoffNoAnswer:         tandemv1.HandoffReason_HANDOFF_REASON_NO_ANSWER,
	}
	ticketStatuses = bimap[domain.TicketStatus, tandemv1.TicketStatus]{
		domain.TicketOpen: tandemv1.TicketStatus_TICKET_STATUS_OPEN, domain.TicketPending: tandemv1.TicketStatus_TICKET_STATUS_PENDING,
		domain.TicketSolved: tandemv1.TicketStatus_TICKET_STATUS_SOLVED,
	}
	handoffMethods = bimap[domain.HandoffMethod, tandemv1.HandoffMethod]{
		domain.MethodHelpdesk: tandemv1.HandoffMethod_HANDOFF_METHOD_HELPDESK, domain.MethodCustomMessage: tandemv1.HandoffMethod_HANDOFF_METHOD_CUSTOM_MESSAGE,
	}
	availabilities = bimap[domain.AgentAvailability, tandemv1.AgentAvailability]{
		domain.AgentOnline: tandemv1.AgentAvailability_AGENT_AVAILABILITY_ONLINE, domain.AgentAway: tandemv1.AgentAvailability_AGENT_AVAILABILITY_AWAY,
	}
)

// weekdayToProto maps Go's Sunday-first weekdays to DayOfWeek (Monday = 1 … Sunday = 7).
func weekdayToProto(d time.Weekday) tandemv1.DayOfWeek {
	if d == time.Sunday {
		return tandemv1.DayOfWeek_DAY_OF_WEEK_SUNDAY
	}
	return tandemv1.DayOfWeek(d)
}

func weekdayFromProto(d tandemv1.DayOfWeek) time.Weekday {
	return time.Weekday(d % 7)
}

func handoffToProto(h domain.Handoff) *tandemv1.Handoff {
	out := &tandemv1.Handoff{
		Id: h.ID, ConversationId: h.ConversationID, Status: handoffStatuses.proto(h.Status),
		Destination: destinations.proto(h.Destination), Reason: handoffReasons.proto(h.Reason),
		TriggerQuestion: h.TriggerQuestion, Skill: skills.proto(h.Skill), Email: h.Email, ProfileId: h.ProfileID,
		ExternalTicketId: h.ExternalTicketID, TicketStatus: ticketStatuses.proto(h.TicketStatus), Channel: channels.proto(h.Channel),
		CreateTime: timestamp(h.CreatedAt), ClaimTime: timestamp(h.ClaimedAt), DeliverTime: timestamp(h.DeliveredAt),
		ResolveTime: timestamp(h.ResolvedAt),
	}
	if h.Assignee.Kind != "" {
		out.Assignee = actorToProto(h.Assignee)
	}
	return out
}

func handoffSettingsToProto(hs domain.HandoffSettings) *tandemv1.HandoffSettings {
	out := &tandemv1.HandoffSettings{
		Method: handoffMethods.proto(hs.Method), Destination: destinations.proto(hs.Destination),
		AutoReplyMessage: hs.AutoReplyMessage, OutOfHoursMessage: hs.OutOfHoursMessage,
		InactivityTimeout: durationpb.New(hs.InactivityTimeout),
	}
	if hs.CustomMessage != "" {
		out.CustomMessage = &tandemv1.CustomMessage{Text: hs.CustomMessage}
		for _, l := range hs.CustomLinks {
			out.CustomMessage.Links = append(out.CustomMessage.Links, &tandemv1.Link{Label: l.Label, Url: l.URL})
		}
	}
	if bh := hs.BusinessHours; bh != nil {
		out.BusinessHours = &tandemv1.BusinessHours{TimeZone: bh.TimeZone, Holidays: bh.Holidays}
		for _, w := range bh.Weekly {
			out.BusinessHours.Weekly = append(out.BusinessHours.Weekly, &tandemv1.OpeningHours{Day: weekdayToProto(w.Day), Open: w.Open, Close: w.Close})
		}
	}
	return out
}

func handoffSettingsFromProto(m *tandemv1.HandoffSettings) domain.HandoffSettings {
	hs := domain.HandoffSettings{
		Method: handoffMethods.domain(m.Method), Destination: destinations.domain(m.Destination),
		AutoReplyMessage: m.AutoReplyMessage, OutOfHoursMessage: m.OutOfHoursMessage,
		InactivityTimeout: m.GetInactivityTimeout().AsDuration(),
	}
	if cm := m.CustomMessage; cm != nil {
		hs.CustomMessage = cm.Text
		for _, l := range cm.Links {
			hs.CustomLinks = append(hs.CustomLinks, domain.Link{Label: l.Label, URL: l.Url})
		}
	}
	if bh := m.BusinessHours; bh != nil {
		hs.BusinessHours = &domain.BusinessHours{TimeZone: bh.TimeZone, Holidays: bh.Holidays}
		for _, w := range bh.Weekly {
			hs.BusinessHours.Weekly = append(hs.BusinessHours.Weekly, domain.OpeningHours{Day: weekdayFromProto(w.Day), Open: w.Open, Close: w.Close})
		}
	}
	return hs
}
