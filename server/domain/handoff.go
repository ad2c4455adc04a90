package domain

import (
	"fmt"
	"time"
)

// HandoffStatus is where a handoff stands.
type HandoffStatus string

// The handoff statuses.
const (
	// HandoffPending means it waits in the inbox for an agent, or for delivery to a helpdesk.
	HandoffPending HandoffStatus = "pending"
	// HandoffClaimed means an inbox agent owns it.
	HandoffClaimed HandoffStatus = "claimed"
	// HandoffDelivered means the ticket reached the external helpdesk.
	HandoffDelivered HandoffStatus = "delivered"
	// HandoffResolved means the team resolved it.
	HandoffResolved HandoffStatus = "resolved"
)

// HandoffDestination is where handed-off conversations go.
type HandoffDestination string

// The handoff destinations.
const (
	// DestinationInbox is Tandem's own inbox: a person takes over the same chat.
	DestinationInbox HandoffDestination = "inbox"
	// DestinationZendesk is a Zendesk Support ticket.
	DestinationZendesk HandoffDestination = "zendesk"
	// DestinationGorgias is a Gorgias ticket.
	DestinationGorgias HandoffDestination = "gorgias"
)

// Provider returns the integration a helpdesk destination needs ("" for the inbox).
func (d HandoffDestination) Provider() IntegrationProvider {
	switch d {
	case DestinationZendesk:
		return ProviderZendesk
	case DestinationGorgias:
		return ProviderGorgias
	}
	return ""
}

// TicketStatus is a ticket's status as the helpdesk reports it.
type TicketStatus string

// The ticket statuses.
const (
	// TicketOpen means not yet answered.
	TicketOpen TicketStatus = "open"
	// TicketPending means waiting on the customer or a third party.
	TicketPending TicketStatus = "pending"
	// TicketSolved means solved.
	TicketSolved TicketStatus = "solved"
)

// Handoff is a conversation handed to the brand's team: the ticket.
type Handoff struct {
	// AccountID is the owning account.
	AccountID string
	// ID identifies the handoff; helpdesks receive it as the ticket's external id.
	ID string
	// ConversationID is the conversation handed off.
	ConversationID string
	// Channel is the conversation's channel.
	Channel Channel
	// Status is where it stands.
	Status HandoffStatus
	// Destination is where it went.
	Destination HandoffDestination
	// Reason is why the AI handed off.
	Reason HandoffReason
	// TriggerQuestion is the visitor question that triggered it.
	TriggerQuestion string
	// Skill is the skill handling the conversation then.
	Skill SkillID
	// Email is the visitor's address for follow-up.
	Email string
	// ProfileID is the brand's customer profile id, if the visitor was authenticated.
	ProfileID string
	// VisitorName is the visitor's name, if known.
	VisitorName string
	// Assignee is the inbox agent who claimed it.
	Assignee Actor
	// ExternalTicketID is the helpdesk's ticket id, once delivered.
	ExternalTicketID string
	// TicketStatus is the ticket's status as the helpdesk reports it.
	TicketStatus TicketStatus
	// ResolutionNote is how it was resolved, in the resolver's words.
	ResolutionNote string
	// CreatedAt is when it was created.
	CreatedAt time.Time
	// ClaimedAt is when an agent claimed it (zero before).
	ClaimedAt time.Time
	// DeliveredAt is when the helpdesk accepted the ticket (zero before).
	DeliveredAt time.Time
	// ResolvedAt is when it was resolved (zero before).
	ResolvedAt time.Time
}

// HandoffFilter selects handoffs to list, newest first.
type HandoffFilter struct {
	// Statuses keeps only these statuses (all when empty).
	Statuses []HandoffStatus
	// Destination keeps only this destination (all when empty).
	Destination HandoffDestination
	// After continues after this handoff (nil starts at the newest).
	After *Position
	// Limit is the most to return.
	Limit int
}

// HandoffMethod is how an account hands off.
type HandoffMethod string

// The handoff methods.
const (
	// MethodHelpdesk offers a person and creates a ticket in the destination.
	MethodHelpdesk HandoffMethod = "helpdesk"
	// MethodCustomMessage shows the brand's message: no offer, no ticket.
	MethodCustomMessage HandoffMethod = "custom_message"
)

// OpeningHours is one day's opening window, "HH:MM" in the business hours' time zone.
type OpeningHours struct {
	// Day is the weekday.
	Day time.Weekday `json:"day"`
	// Open is the opening time, "HH:MM".
	Open string `json:"open"`
	// Close is the closing time, "HH:MM"; "24:00" closes at midnight.
	Close string `json:"close"`
}

// BusinessHours are when the inbox team answers.
type BusinessHours struct {
	// TimeZone is an IANA zone name.
	TimeZone string `json:"time_zone"`
	// Weekly are the opening windows; a day without one is closed.
	Weekly []OpeningHours `json:"weekly"`
	// Holidays are closed dates, "YYYY-MM-DD".
	Holidays []string `json:"holidays,omitempty"`
}

// HandoffSettings say how and where an account's conversations go to people.
type HandoffSettings struct {
	// Method is how to hand off.
	Method HandoffMethod
	// Destination is where tickets go (MethodHelpdesk).
	Destination HandoffDestination
	// CustomMessage is the text shown instead (MethodCustomMessage).
	CustomMessage string
	// CustomLinks are the links shown with CustomMessage.
	CustomLinks []Link
	// BusinessHours are when the inbox team answers; nil means always.
	BusinessHours *BusinessHours
	// AutoReplyMessage is shown when the inbox has the conversation but no agent is online.
	AutoReplyMessage string
	// OutOfHoursMessage is shown when the inbox has the conversation outside business hours.
	OutOfHoursMessage string
	// InactivityTimeout is how long a conversation the AI has may stay without activity
	// before it is closed as resolved; 0 means DefaultInactivityTimeout.
	InactivityTimeout time.Duration
}

// The bounds of HandoffSettings.InactivityTimeout.
const (
	// DefaultInactivityTimeout applies to accounts that set none.
	DefaultInactivityTimeout = 30 * time.Minute
	// MinInactivityTimeout is the shortest timeout an account may set.
	MinInactivityTimeout = 5 * time.Minute
	// MaxInactivityTimeout is the longest timeout an account may set.
	MaxInactivityTimeout = 7 * 24 * time.Hour
)

// CloseReasonInactivity is the close reason of conversations closed for inactivity.
const CloseReasonInactivity = "inactivity"

// CheckInactivityTimeout returns EInvalid unless d is 0 (the default) or within
// MinInactivityTimeout and MaxInactivityTimeout.
func CheckInactivityTimeout(d time.Duration) error {
	if d != 0 && (d < MinInactivityTimeout || d > MaxInactivityTimeout) {
		return Errorf(EInvalid, "inactivity_timeout must be 0 (the default, 30 minutes) or from 5 minutes to 7 days, not %v", d)
	}
	return nil
}

// IdleConversation is a conversation that had no activity for its account's
// inactivity timeout when it was listed.
type IdleConversation struct {
	// AccountID is the owning account.
	AccountID string
	// ID identifies the conversation.
	ID string
	// Timeout is the account's inactivity timeout.
	Timeout time.Duration
}

// AgentAvailability is whether an inbox agent takes conversations.
type AgentAvailability string

// The availabilities.
const (
	// AgentOnline takes new conversations.
	AgentOnline AgentAvailability = "online"
	// AgentAway takes none.
	AgentAway AgentAvailability = "away"
)

// JobArgs are the arguments of a durable background job; Kind names the worker that
// runs it. They are stored as JSON with the change that queues them.
type JobArgs interface {
	// Kind names the job's worker.
	Kind() string
}

// HandoffFlowChange is what one step of the handoff flow changes in a conversation
// besides its messages and status. Only the handoff flow sets it on a Reply.
type HandoffFlowChange struct {
	// Pending is the offered handoff waiting for the visitor's consent or email; nil
	// clears it.
	Pending *SoftHandoff
	// Email is the address the visitor gave in the chat (empty keeps the visitor's).
	Email string
	// Handoff is the handoff the step creates (nil when none).
	Handoff *Handoff
	// Jobs are background jobs stored atomically with the change.
	Jobs []JobArgs
}

// Open reports whether the business hours are open at t. A time zone that does not
// load counts as UTC.
func (bh *BusinessHours) Open(t time.Time) bool {
	if bh == nil {
		return true
	}
	local := t.In(ZoneOrUTC(bh.TimeZone))
	for _, d := range bh.Holidays {
		if d == local.Format(time.DateOnly) {
			return false
		}
	}
	minute := local.Hour()*60 + local.Minute()
	for _, w := range bh.Weekly {
		open, err1 := ClockMinutes(w.Open)
		closing, err2 := ClockMinutes(w.Close)
		if w.Day == local.Weekday() && err1 == nil && err2 == nil && minute >= open && minute < closing {
			return true
		}
	}
	return false
}

// ClockMinutes parses "HH:MM" (00:00 to 24:00) into minutes after midnight.
func ClockMinutes(hhmm string) (int, error) {
	var h, m int
	if len(hhmm) != 5 || hhmm[2] != ':' {
		return 0, Errorf(EInvalid, "time %q is not HH:MM", hhmm)
	}
	if _, err := fmt.Sscanf(hhmm, "%02d:%02d", &h, &m); err != nil || h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, Errorf(EInvalid, "time %q is not HH:MM between 00:00 and 24:00", hhmm)
	}
	return h*60 + m, nil
}
