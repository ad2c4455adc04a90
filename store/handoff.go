package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store/internal/dbsqlc"
)

// upsertHandoff inserts h or stores its new state, on db.
func (s *Store) upsertHandoff(ctx context.Context, db dbsqlc.DBTX, h domain.Handoff) error {
	account, conversation, err := parseConversationIDs(h.AccountID, h.ConversationID)
	if err != nil {
		return err
	}
	id, err := parseID("handoff id", h.ID)
	if err != nil {
		return err
	}
	return s.queries.HandoffUpsert(ctx, db, dbsqlc.HandoffUpsertParams{
		AccountID: account, ID: id, ConversationID: conversation, Channel: string(h.Channel),
		Status: string(h.Status), Destination: string(h.Destination), Reason: string(h.Reason),
		TriggerQuestion: h.TriggerQuestion, Skill: string(h.Skill), Email: h.Email, ProfileID: h.ProfileID,
		VisitorName: h.VisitorName, AssigneeKeyID: h.Assignee.KeyID, AssigneeName: h.Assignee.Name,
		ExternalTicketID: h.ExternalTicketID, TicketStatus: string(h.TicketStatus), ResolutionNote: h.ResolutionNote,
		CreatedAt: h.CreatedAt, ClaimedAt: timeOrNull(h.ClaimedAt), DeliveredAt: timeOrNull(h.DeliveredAt),
		ResolvedAt: timeOrNull(h.ResolvedAt),
	})
}

// Handoff returns handoff id of account accountID. Returns ENotFound if the account has
// no such handoff.
func (s *Store) Handoff(ctx context.Context, accountID, id string) (domain.Handoff, error) {
	account, handoff, err := parseHandoffIDs(accountID, id)
	if err != nil {
		return domain.Handoff{}, err
	}
	row, err := s.queries.HandoffGet(ctx, s.pool, dbsqlc.HandoffGetParams{AccountID: account, ID: handoff})
	if err != nil {
		return domain.Handoff{}, interpret(err, "handoff")
	}
	return handoffFromRow(row), nil
}

// HandoffByExternalTicket returns the newest handoff of account accountID whose
// helpdesk ticket id is externalTicketID. Returns ENotFound if there is none.
func (s *Store) HandoffByExternalTicket(ctx context.Context, accountID, externalTicketID string) (domain.Handoff, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return domain.Handoff{}, err
	}
	row, err := s.queries.HandoffGetByExternalTicket(ctx, s.pool, dbsqlc.HandoffGetByExternalTicketParams{
		AccountID: account, ExternalTicketID: externalTicketID,
	})
	if err != nil {
		return domain.Handoff{}, interpret(err, "ticket")
	}
	return handoffFromRow(row), nil
}

// ListHandoffs returns the handoffs of account accountID that f selects, newest first,
// at most f.Limit of them (bounded as in ListConversations).
func (s *Store) ListHandoffs(ctx context.Context, accountID string, f domain.HandoffFilter) ([]domain.Handoff, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return nil, err
	}
	p := dbsqlc.HandoffListParams{AccountID: account, Statuses: textArray(f.Statuses), Max: limitParam(f.Limit)}
	if f.Destination != "" {
		d := string(f.Destination)
		p.Destination = &d
	}
	if f.After != nil {
		if p.AfterID, err = parseID("handoff id", f.After.ID); err != nil {
			return nil, err
		}
		p.AfterCreatedAt = &f.After.CreatedAt
	}
	rows, err := s.queries.HandoffList(ctx, s.pool, p)
	if err != nil {
		return nil, interpret(err, "handoff")
	}
	handoffs := make([]domain.Handoff, len(rows))
	for i, r := range rows {
		handoffs[i] = handoffFromRow(r)
	}
	return handoffs, nil
}

// MarkHandoffDelivered records that the helpdesk accepted handoff id of account
// accountID as ticket externalTicketID. It applies once: when the handoff is no longer
// pending it changes nothing and returns the handoff as it is, so a delivery retried
// after a crash never overwrites the first ticket id.
func (s *Store) MarkHandoffDelivered(ctx context.Context, accountID, id, externalTicketID string, at time.Time) (domain.Handoff, error) {
	account, handoff, err := parseHandoffIDs(accountID, id)
	if err != nil {
		return domain.Handoff{}, err
	}
	row, err := s.queries.HandoffMarkDelivered(ctx, s.pool, dbsqlc.HandoffMarkDeliveredParams{
		AccountID: account, ID: handoff, ExternalTicketID: externalTicketID, DeliveredAt: &at,
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return s.Handoff(ctx, accountID, id)
	}
	if err != nil {
		return domain.Handoff{}, interpret(err, "handoff")
	}
	return handoffFromRow(row), nil
}

// SetTicketStatus records the helpdesk's status of handoff id's ticket: a solved ticket
// resolves the handoff at now (unless it was resolved before), a reopened one
// unresolves it. Returns ENotFound if the account has no such handoff.
func (s *Store) SetTicketStatus(ctx context.Context, accountID, id string, status domain.TicketStatus, now time.Time) (domain.Handoff, error) {
	account, handoff, err := parseHandoffIDs(accountID, id)
	if err != nil {
		return domain.Handoff{}, err
	}
	row, err := s.queries.HandoffSetTicketStatus(ctx, s.pool, dbsqlc.HandoffSetTicketStatusParams{
		AccountID: account, ID: handoff, TicketStatus: string(status), Now: now,
	})
	if err != nil {
		return domain.Handoff{}, interpret(err, "handoff")
	}
	return handoffFromRow(row), nil
}

// HandoffSettings returns the handoff settings account accountID saved. Returns
// ENotFound if it never saved any.
func (s *Store) HandoffSettings(ctx context.Context, accountID string) (domain.HandoffSettings, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return domain.HandoffSettings{}, err
	}
	r, err := s.queries.HandoffSettingsGet(ctx, s.pool, account)
	if err != nil {
		return domain.HandoffSettings{}, interpret(err, "handoff settings")
	}
	out := domain.HandoffSettings{
		Method: domain.HandoffMethod(r.Method), Destination: domain.HandoffDestination(r.Destination),
		CustomMessage: r.CustomMessage, AutoReplyMessage: r.AutoReplyMessage, OutOfHoursMessage: r.OutOfHoursMessage,
		InactivityTimeout: time.Duration(r.InactivityTimeoutSeconds) * time.Second,
	}
	if r.CustomLinks != nil {
		if err := json.Unmarshal(r.CustomLinks, &out.CustomLinks); err != nil {
			return domain.HandoffSettings{}, fmt.Errorf("store: custom links of account %s: %w", accountID, err)
		}
	}
	if r.BusinessHours != nil {
		out.BusinessHours = new(domain.BusinessHours)
		if err := json.Unmarshal(r.BusinessHours, out.BusinessHours); err != nil {
			return domain.HandoffSettings{}, fmt.Errorf("store: business hours of account %s: %w", accountID, err)
		}
	}
	return out, nil
}

// SaveHandoffSettings replaces the handoff settings of account accountID.
func (s *Store) SaveHandoffSettings(ctx context.Context, accountID string, hs domain.HandoffSettings, now time.Time) error {
	account, err := parseID("account id", accountID)
	if err != nil {
		return err
	}
	links, err := jsonOrNull(hs.CustomLinks, len(hs.CustomLinks) == 0)
	if err != nil {
		return err
	}
	hours, err := jsonOrNull(hs.BusinessHours, hs.BusinessHours == nil)
	if err != nil {
		return err
	}
	err = s.queries.HandoffSettingsUpsert(ctx, s.pool, dbsqlc.HandoffSettingsUpsertParams{
		AccountID: account, Method: string(hs.Method), Destination: string(hs.Destination),
		CustomMessage: hs.CustomMessage, CustomLinks: links, BusinessHours: hours,
		AutoReplyMessage: hs.AutoReplyMessage, OutOfHoursMessage: hs.OutOfHoursMessage,
		InactivityTimeoutSeconds: int32(hs.InactivityTimeout / time.Second), UpdatedAt: now,
	})
	return interpret(err, "handoff settings")
}

// SetAgentAvailability records whether the inbox agent with API key keyID of account
// accountID takes conversations.
func (s *Store) SetAgentAvailability(ctx context.Context, accountID, keyID, name string, a domain.AgentAvailability, now time.Time) error {
	account, err := parseID("account id", accountID)
	if err != nil {
		return err
	}
	key, err := parseID("key id", keyID)
	if err != nil {
		return err
	}
	err = s.queries.InboxAgentUpsert(ctx, s.pool, dbsqlc.InboxAgentUpsertParams{
		AccountID: account, KeyID: key, Name: name, Availability: string(a), UpdatedAt: now,
	})
	return interpret(err, "inbox agent")
}

// AnyAgentOnline reports whether an inbox agent of account accountID, with a key not
// revoked, is online.
func (s *Store) AnyAgentOnline(ctx context.Context, accountID string) (bool, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return false, err
	}
	online, err := s.queries.InboxAgentAnyOnline(ctx, s.pool, account)
	return online, interpret(err, "inbox agent")
}

// handoffFromRow converts a row of handoffs.
func handoffFromRow(r dbsqlc.Handoff) domain.Handoff {
	h := domain.Handoff{
		AccountID: idString(r.AccountID), ID: idString(r.ID), ConversationID: idString(r.ConversationID),
		Channel: domain.Channel(r.Channel), Status: domain.HandoffStatus(r.Status),
		Destination: domain.HandoffDestination(r.Destination), Reason: domain.HandoffReason(r.Reason),
		TriggerQuestion: r.TriggerQuestion, Skill: domain.SkillID(r.Skill), Email: r.Email, ProfileID: r.ProfileID,
		VisitorName: r.VisitorName, ExternalTicketID: r.ExternalTicketID, TicketStatus: domain.TicketStatus(r.TicketStatus),
		ResolutionNote: r.ResolutionNote, CreatedAt: r.CreatedAt.UTC(), ClaimedAt: timeOrZero(r.ClaimedAt),
		DeliveredAt: timeOrZero(r.DeliveredAt), ResolvedAt: timeOrZero(r.ResolvedAt),
	}
	if r.AssigneeKeyID != "" {
		h.Assignee = domain.Actor{Kind: domain.ActorStaff, KeyID: r.AssigneeKeyID, Name: r.AssigneeName}
	}
	return h
}

// SaveHandoff stores handoff h's new state (or inserts it).
func (s *Store) SaveHandoff(ctx context.Context, h domain.Handoff) error {
	return interpret(s.upsertHandoff(ctx, s.pool, h), "handoff")
}

// parseHandoffIDs parses the ids of an account and one of its handoffs.
func parseHandoffIDs(accountID, handoffID string) (account, handoff pgtype.UUID, err error) {
	if account, err = parseID("account id", accountID); err != nil {
		return account, handoff, err
	}
	handoff, err = parseID("handoff id", handoffID)
	return account, handoff, err
}
