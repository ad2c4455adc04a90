package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store/internal/dbsqlc"
)

// ErrConcurrentChange is the EConflict error ApplyChange returns when the conversation's
// last sequence is no longer the change's ExpectedSequence: another change came first.
// Reload the conversation and compute the change again.
var ErrConcurrentChange = domain.Errorf(domain.EConflict, "conversation changed concurrently; retry")

// ErrDuplicateTurn is the EConflict error ApplyChange returns when the change's
// IdempotencyKey was already used in the conversation; Turn returns what that turn
// wrote. Tell it from ErrConcurrentChange with errors.Is.
var ErrDuplicateTurn = domain.Errorf(domain.EConflict, "this idempotency key was already used in this conversation")

// messagesIdempotencyIndex is the unique index on messages' idempotency keys.
const messagesIdempotencyIndex = "messages_idempotency_idx"

// CreateConversation stores the new conversation c and its first events in one
// transaction: the row is inserted empty, then the events go through the same write as
// ApplyChange. The events are numbered from 1; c is stored with the last event's
// sequence and the number of messages, whatever its LastSequence and MessageCount say.
// Returns EConflict if the conversation exists.
func (s *Store) CreateConversation(ctx context.Context, c domain.Conversation, events []domain.Event) error {
	p, err := conversationParams(c)
	if err != nil {
		return err
	}
	p.LastSequence, p.MessageCount = 0, 0
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.queries.ConversationInsert(ctx, tx, p); err != nil {
			return err
		}
		return s.applyChange(ctx, tx, domain.ConversationChange{Conversation: c, Events: events})
	})
	return interpret(err, "conversation")
}

// ApplyChange stores a change to a conversation in one statement: its new state, the
// messages of its EventMessageAdded events and its events, numbered from
// ch.ExpectedSequence+1. The conversation is stored with the last event's sequence and
// its message count raised by the number of new messages. With an IdempotencyKey, the
// change's first visitor message (else its first message) records the key and the
// turn's last sequence, for Turn. The same statement records ch.Metrics, what the change
// adds to the account's metrics (see MetricFigures), and the conversation's metric
// counters (VisitorMessages, HandledSkills) as ch.Conversation has them.
//
// Returns ErrConcurrentChange if the conversation's last sequence is no longer
// ch.ExpectedSequence, ErrDuplicateTurn if the idempotency key was used before, and
// ENotFound if the account has no such conversation.
//
// A change with a Handoff or Jobs is written in one transaction with them: the handoff
// is inserted or updated and the jobs are queued only if the change applies.
func (s *Store) ApplyChange(ctx context.Context, ch domain.ConversationChange) error {
	if ch.Handoff == nil && len(ch.Jobs) == 0 {
		return s.applyChange(ctx, s.pool, ch)
	}
	if len(ch.Jobs) > 0 && s.jobs == nil {
		return errors.New("store: a change queues jobs but the store has no job inserter (see WithJobs)")
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.applyChange(ctx, tx, ch); err != nil {
			return err
		}
		if ch.Handoff != nil {
			if err := s.upsertHandoff(ctx, tx, *ch.Handoff); err != nil {
				return err
			}
		}
		if len(ch.Jobs) > 0 {
			return s.jobs.InsertTx(ctx, tx, ch.Jobs)
		}
		return nil
	})
	return interpret(err, "conversation")
}

// applyChange is ApplyChange on db, a pool or a transaction.
func (s *Store) applyChange(ctx context.Context, db dbsqlc.DBTX, ch domain.ConversationChange) error {
	c := ch.Conversation
	p, err := conversationParams(c)
	if err != nil {
		return err
	}
	batch, err := newEventBatch(p.AccountID, p.ID, ch.ExpectedSequence, ch.Events)
	if err != nil {
		return err
	}
	if ch.IdempotencyKey != "" {
		if err := batch.startTurn(ch.IdempotencyKey); err != nil {
			return err
		}
	}
	w := &batch.write
	w.Status, w.VisitorAuthenticated = p.Status, p.VisitorAuthenticated
	w.VisitorProfileID, w.VisitorEmail, w.VisitorAddress, w.VisitorName = p.VisitorProfileID, p.VisitorEmail, p.VisitorAddress, p.VisitorName
	w.Locale, w.PageURL, w.ActiveSkill, w.UpdatedAt = p.Locale, p.PageURL, p.ActiveSkill, p.UpdatedAt
	w.ClosedAt, w.ClosedByKind, w.ClosedByKeyID, w.ClosedByName = p.ClosedAt, p.ClosedByKind, p.ClosedByKeyID, p.ClosedByName
	w.CloseReason, w.Outcome, w.HandoffID, w.PendingHandoff = p.CloseReason, p.Outcome, p.HandoffID, p.PendingHandoff
	w.ExpectedSequence = ch.ExpectedSequence
	w.VisitorMessageCount, w.HandledSkills = int32(c.VisitorMessages), textArray(c.HandledSkills)
	if w.HandledSkills == nil {
		w.HandledSkills = []string{}
	}
	w.DeltaSkills, w.DeltaConversations = make([]string, len(ch.Metrics)), make([]int32, len(ch.Metrics))
	w.DeltaResolved, w.DeltaRoutedToTeam = make([]int32, len(ch.Metrics)), make([]int32, len(ch.Metrics))
	for i, d := range ch.Metrics {
		w.DeltaSkills[i], w.DeltaConversations[i] = string(d.Skill), int32(d.Conversations)
		w.DeltaResolved[i], w.DeltaRoutedToTeam[i] = int32(d.Resolved), int32(d.RoutedToTeam)
	}
	n, err := s.queries.ConversationApplyChange(ctx, db, *w)
	switch {
	case isUniqueViolation(err, messagesIdempotencyIndex):
		return ErrDuplicateTurn
	case err != nil:
		return interpret(err, "conversation")
	case n == 0:
		// Either another change came first or there is no such conversation.
		if _, err := s.queries.ConversationGet(ctx, db, dbsqlc.ConversationGetParams{AccountID: p.AccountID, ID: p.ID}); err != nil {
			return interpret(err, "conversation")
		}
		return ErrConcurrentChange
	}
	return nil
}

// Conversation returns the conversation id of account accountID. Returns ENotFound if
// the account has no such conversation.
func (s *Store) Conversation(ctx context.Context, accountID, id string) (domain.Conversation, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return domain.Conversation{}, err
	}
	conversation, err := parseID("conversation id", id)
	if err != nil {
		return domain.Conversation{}, err
	}
	row, err := s.queries.ConversationGet(ctx, s.pool, dbsqlc.ConversationGetParams{AccountID: account, ID: conversation})
	if err != nil {
		return domain.Conversation{}, interpret(err, "conversation")
	}
	return conversationFromRow(row)
}

// ListConversations returns the conversations of account accountID that f selects,
// newest first (by creation time, then id), at most f.Limit of them (100 when it is
// not positive, never more than 1000). Continuing after the last one returned skips
// none and repeats none, even while new conversations start.
func (s *Store) ListConversations(ctx context.Context, accountID string, f domain.ConversationFilter) ([]domain.Conversation, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return nil, err
	}
	p := dbsqlc.ConversationListParams{
		AccountID:   account,
		Statuses:    textArray(f.Statuses),
		Channels:    textArray(f.Channels),
		Skills:      textArray(f.Skills),
		CreatedFrom: timeOrNull(f.From),
		CreatedTo:   timeOrNull(f.To),
		Max:         limitParam(f.Limit),
	}
	if f.VisitorEmail != "" {
		p.VisitorEmail = &f.VisitorEmail
	}
	if f.After != nil {
		if p.AfterID, err = parseID("conversation id", f.After.ID); err != nil {
			return nil, err
		}
		p.AfterCreatedAt = &f.After.CreatedAt
	}
	rows, err := s.queries.ConversationList(ctx, s.pool, p)
	if err != nil {
		return nil, interpret(err, "conversation")
	}
	conversations := make([]domain.Conversation, len(rows))
	for i, r := range rows {
		if conversations[i], err = conversationFromRow(r); err != nil {
			return nil, err
		}
	}
	return conversations, nil
}

// Messages returns the transcript of conversation conversationID of account accountID,
// in order; it is empty if the account has no such conversation.
func (s *Store) Messages(ctx context.Context, accountID, conversationID string) ([]domain.Message, error) {
	account, conversation, err := parseConversationIDs(accountID, conversationID)
	if err != nil {
		return nil, err
	}
	rows, err := s.queries.MessageListByConversation(ctx, s.pool, dbsqlc.MessageListByConversationParams{
		AccountID:      account,
		ConversationID: conversation,
	})
	if err != nil {
		return nil, interpret(err, "message")
	}
	return messagesFromRows(rows)
}

// RecentMessages returns the last limit messages of conversation conversationID of
// account accountID, oldest first (limit is bounded as in ListConversations).
func (s *Store) RecentMessages(ctx context.Context, accountID, conversationID string, limit int) ([]domain.Message, error) {
	account, conversation, err := parseConversationIDs(accountID, conversationID)
	if err != nil {
		return nil, err
	}
	rows, err := s.queries.MessageListRecent(ctx, s.pool, dbsqlc.MessageListRecentParams{
		AccountID:      account,
		ConversationID: conversation,
		Max:            limitParam(limit),
	})
	if err != nil {
		return nil, interpret(err, "message")
	}
	slices.Reverse(rows)
	return messagesFromRows(rows)
}

// Turn returns the messages that the change with idempotencyKey wrote to conversation
// conversationID of account accountID, in order. Returns ENotFound if the key was
// never used there.
func (s *Store) Turn(ctx context.Context, accountID, conversationID, idempotencyKey string) ([]domain.Message, error) {
	account, conversation, err := parseConversationIDs(accountID, conversationID)
	if err != nil {
		return nil, err
	}
	rows, err := s.queries.MessageGetTurn(ctx, s.pool, dbsqlc.MessageGetTurnParams{
		AccountID:      account,
		ConversationID: conversation,
		IdempotencyKey: &idempotencyKey,
	})
	if err == nil && len(rows) == 0 {
		err = pgx.ErrNoRows
	}
	if err != nil {
		return nil, interpret(err, "turn")
	}
	return messagesFromRows(rows)
}

// eventBatch is what a new run of events writes: the parameters of
// ConversationApplyChange with their messages and events, which the caller completes
// with the conversation's state.
type eventBatch struct {
	write dbsqlc.ConversationApplyChangeParams
	// firstVisitorMessage and firstMessage index the message arrays (-1 for none).
	firstVisitorMessage, firstMessage int
}

// newEventBatch prepares the events of conversation id of account, which must be
// numbered from afterSequence+1, and the messages of its message events. The events
// are stored with the conversation's channel, whatever their Channel says.
func newEventBatch(account, id pgtype.UUID, afterSequence int64, events []domain.Event) (*eventBatch, error) {
	b := &eventBatch{
		write: dbsqlc.ConversationApplyChangeParams{
			AccountID: account, ID: id, LastSequence: afterSequence,
			// Empty arrays, not NULL, when the change adds no message.
			MessageSequences: []int64{}, MessageIds: []pgtype.UUID{}, MessageAuthors: []string{}, MessageAuthorNames: []string{},
			MessageBodies: []string{}, MessageSkills: []string{}, MessageCards: [][]byte{}, MessageQuickReplies: [][]byte{},
			MessageLinks: [][]byte{}, MessageRouteKinds: []string{}, MessageRouteSkills: []string{},
			MessageRouteConfidences: []float32{}, MessageTurnOutcomes: []string{}, MessageCreatedAts: []time.Time{},
			EventSequences: []int64{}, EventTypes: []string{}, EventPayloads: [][]byte{}, EventCreatedAts: []time.Time{},
		},
		firstVisitorMessage: -1,
		firstMessage:        -1,
	}
	w := &b.write
	for _, e := range events {
		if e.Sequence != w.LastSequence+1 {
			return nil, fmt.Errorf("store: event %s has sequence %d, want %d", e.Type, e.Sequence, w.LastSequence+1)
		}
		w.LastSequence = e.Sequence
		payload, err := encodePayload(e)
		if err != nil {
			return nil, err
		}
		w.EventSequences = append(w.EventSequences, e.Sequence)
		w.EventTypes = append(w.EventTypes, string(e.Type))
		w.EventPayloads = append(w.EventPayloads, payload)
		w.EventCreatedAts = append(w.EventCreatedAts, e.CreatedAt)
		if e.Type == domain.EventMessageAdded {
			if err := b.addMessage(e); err != nil {
				return nil, err
			}
		}
	}
	return b, nil
}

// addMessage adds the message of message event e.
func (b *eventBatch) addMessage(e domain.Event) error {
	m := e.Message
	if m == nil {
		return fmt.Errorf("store: message event %d has no message", e.Sequence)
	}
	id, err := parseID("message id", m.ID)
	if err != nil {
		return err
	}
	card, err := jsonOrNull(m.Card, m.Card == nil)
	if err != nil {
		return err
	}
	quickReplies, err := jsonOrNull(m.QuickReplies, len(m.QuickReplies) == 0)
	if err != nil {
		return err
	}
	links, err := jsonOrNull(m.Links, len(m.Links) == 0)
	if err != nil {
		return err
	}
	createdAt := m.CreatedAt
	if createdAt.IsZero() {
		createdAt = e.CreatedAt
	}
	w := &b.write
	i := len(w.MessageSequences)
	if b.firstMessage < 0 {
		b.firstMessage = i
	}
	if b.firstVisitorMessage < 0 && m.Author == domain.AuthorVisitor {
		b.firstVisitorMessage = i
	}
	w.MessageSequences = append(w.MessageSequences, e.Sequence)
	w.MessageIds = append(w.MessageIds, id)
	w.MessageAuthors = append(w.MessageAuthors, string(m.Author))
	w.MessageAuthorNames = append(w.MessageAuthorNames, m.AuthorName)
	w.MessageBodies = append(w.MessageBodies, m.Text)
	w.MessageSkills = append(w.MessageSkills, string(m.Skill))
	w.MessageCards = append(w.MessageCards, card)
	w.MessageQuickReplies = append(w.MessageQuickReplies, quickReplies)
	w.MessageLinks = append(w.MessageLinks, links)
	w.MessageRouteKinds = append(w.MessageRouteKinds, string(m.Decision.Kind))
	w.MessageRouteSkills = append(w.MessageRouteSkills, string(m.Decision.Skill))
	w.MessageRouteConfidences = append(w.MessageRouteConfidences, m.Decision.Confidence)
	w.MessageTurnOutcomes = append(w.MessageTurnOutcomes, string(m.TurnOutcome))
	w.MessageCreatedAts = append(w.MessageCreatedAts, createdAt)
	return nil
}

// startTurn records key on the batch's first visitor message, else its first message,
// with the batch's last sequence as the end of the turn.
func (b *eventBatch) startTurn(key string) error {
	i := b.firstVisitorMessage
	if i < 0 {
		i = b.firstMessage
	}
	if i < 0 {
		return errors.New("store: a change with an idempotency key must add a message")
	}
	w := &b.write
	w.TurnStart = &w.MessageSequences[i]
	w.IdempotencyKey = &key
	w.TurnEnd = &w.LastSequence
	return nil
}

// jsonOrNull returns v as JSON, or nil (NULL) when null is true.
func jsonOrNull(v any, null bool) ([]byte, error) {
	if null {
		return nil, nil
	}
	return json.Marshal(v)
}

// textArray returns values as a text[] parameter, nil (NULL: no filter) when empty.
func textArray[T ~string](values []T) []string {
	if len(values) == 0 {
		return nil
	}
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	return s
}

// parseConversationIDs parses the ids of an account and one of its conversations.
func parseConversationIDs(accountID, conversationID string) (account, conversation pgtype.UUID, err error) {
	if account, err = parseID("account id", accountID); err != nil {
		return account, conversation, err
	}
	conversation, err = parseID("conversation id", conversationID)
	return account, conversation, err
}

// conversationParams returns the parameters that insert c.
func conversationParams(c domain.Conversation) (dbsqlc.ConversationInsertParams, error) {
	account, conversation, err := parseConversationIDs(c.AccountID, c.ID)
	if err != nil {
		return dbsqlc.ConversationInsertParams{}, err
	}
	handoff, err := parseOptionalID("handoff id", c.HandoffID)
	if err != nil {
		return dbsqlc.ConversationInsertParams{}, err
	}
	pending, err := jsonOrNull(c.PendingHandoff, c.PendingHandoff == nil)
	if err != nil {
		return dbsqlc.ConversationInsertParams{}, err
	}
	return dbsqlc.ConversationInsertParams{
		AccountID:            account,
		ID:                   conversation,
		Channel:              string(c.Channel),
		Status:               string(c.Status),
		VisitorAuthenticated: c.Visitor.Authenticated,
		VisitorProfileID:     c.Visitor.ProfileID,
		VisitorEmail:         c.Visitor.Email,
		VisitorAddress:       c.Visitor.Address,
		VisitorName:          c.Visitor.Name,
		Locale:               c.Locale,
		PageURL:              c.PageURL,
		ActiveSkill:          string(c.ActiveSkill),
		LastSequence:         c.LastSequence,
		MessageCount:         int32(c.MessageCount),
		CreatedAt:            c.CreatedAt,
		UpdatedAt:            c.UpdatedAt,
		ClosedAt:             timeOrNull(c.ClosedAt),
		ClosedByKind:         string(c.ClosedBy.Kind),
		ClosedByKeyID:        c.ClosedBy.KeyID,
		ClosedByName:         c.ClosedBy.Name,
		CloseReason:          c.CloseReason,
		Outcome:              string(c.Outcome),
		HandoffID:            handoff,
		PendingHandoff:       pending,
	}, nil
}

// conversationFromRow converts a row of conversations.
func conversationFromRow(r dbsqlc.Conversation) (domain.Conversation, error) {
	c := domain.Conversation{
		AccountID: idString(r.AccountID),
		ID:        idString(r.ID),
		Channel:   domain.Channel(r.Channel),
		Status:    domain.Status(r.Status),
		Visitor: domain.Visitor{
			Authenticated: r.VisitorAuthenticated,
			ProfileID:     r.VisitorProfileID,
			Email:         r.VisitorEmail,
			Address:       r.VisitorAddress,
			Name:          r.VisitorName,
		},
		Locale:          r.Locale,
		PageURL:         r.PageURL,
		ActiveSkill:     domain.SkillID(r.ActiveSkill),
		LastSequence:    r.LastSequence,
		MessageCount:    int(r.MessageCount),
		VisitorMessages: int(r.VisitorMessageCount),
		CreatedAt:       r.CreatedAt.UTC(),
		UpdatedAt:       r.UpdatedAt.UTC(),
		ClosedAt:        timeOrZero(r.ClosedAt),
		ClosedBy: domain.Actor{
			Kind:  domain.ActorKind(r.ClosedByKind),
			KeyID: r.ClosedByKeyID,
			Name:  r.ClosedByName,
		},
		CloseReason: r.CloseReason,
		Outcome:     domain.Outcome(r.Outcome),
		HandoffID:   idString(r.HandoffID),
	}
	for _, sk := range r.HandledSkills {
		c.HandledSkills = append(c.HandledSkills, domain.SkillID(sk))
	}
	if r.PendingHandoff != nil {
		c.PendingHandoff = new(domain.SoftHandoff)
		if err := json.Unmarshal(r.PendingHandoff, c.PendingHandoff); err != nil {
			return domain.Conversation{}, fmt.Errorf("store: pending handoff of conversation %s: %w", c.ID, err)
		}
	}
	return c, nil
}

// messagesFromRows converts rows of messages.
func messagesFromRows(rows []dbsqlc.Message) ([]domain.Message, error) {
	messages := make([]domain.Message, len(rows))
	for i, r := range rows {
		m, err := messageFromRow(r)
		if err != nil {
			return nil, err
		}
		messages[i] = m
	}
	return messages, nil
}

// messageFromRow converts a row of messages.
func messageFromRow(r dbsqlc.Message) (domain.Message, error) {
	m := domain.Message{
		ID:             idString(r.ID),
		ConversationID: idString(r.ConversationID),
		Sequence:       r.Sequence,
		Author:         domain.Author(r.Author),
		AuthorName:     r.AuthorName,
		Text:           r.Body,
		Skill:          domain.SkillID(r.Skill),
		Decision: domain.RoutingDecision{
			Kind:       domain.RouteKind(r.RouteKind),
			Skill:      domain.SkillID(r.RouteSkill),
			Confidence: r.RouteConfidence,
		},
		TurnOutcome: domain.TurnOutcome(r.TurnOutcome),
		CreatedAt:   r.CreatedAt.UTC(),
	}
	if r.Card != nil {
		m.Card = new(domain.Card)
		if err := json.Unmarshal(r.Card, m.Card); err != nil {
			return domain.Message{}, fmt.Errorf("store: card of message %s: %w", m.ID, err)
		}
	}
	if r.QuickReplies != nil {
		if err := json.Unmarshal(r.QuickReplies, &m.QuickReplies); err != nil {
			return domain.Message{}, fmt.Errorf("store: quick replies of message %s: %w", m.ID, err)
		}
	}
	if r.Links != nil {
		if err := json.Unmarshal(r.Links, &m.Links); err != nil {
			return domain.Message{}, fmt.Errorf("store: links of message %s: %w", m.ID, err)
		}
	}
	return m, nil
}
