package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store/internal/dbsqlc"
)

// eventPayload is the stored JSON of an event's details. Message events store none:
// their message is joined from the messages table.
type eventPayload struct {
	Conversation *domain.Conversation `json:"conversation,omitempty"`
	StatusChange *domain.StatusChange `json:"status_change,omitempty"`
	SkillChange  *domain.SkillChange  `json:"skill_change,omitempty"`
	Visitor      *domain.Visitor      `json:"visitor,omitempty"`
	Handoff      *domain.Handoff      `json:"handoff,omitempty"`
}

// encodePayload returns the payload of e, or nil (NULL) when it has no details.
func encodePayload(e domain.Event) ([]byte, error) {
	p := eventPayload{
		Conversation: e.Conversation,
		StatusChange: e.StatusChange,
		SkillChange:  e.SkillChange,
		Visitor:      e.Visitor,
		Handoff:      e.Handoff,
	}
	if p == (eventPayload{}) {
		return nil, nil
	}
	return json.Marshal(p)
}

// EventsAfter returns the events of conversation conversationID of account accountID
// with a sequence above afterSequence, in order, at most limit of them (bounded as in
// ListConversations). Message events carry their message, and every event its Cursor
// in the account-wide stream. The result is empty if the account has no such
// conversation.
func (s *Store) EventsAfter(ctx context.Context, accountID, conversationID string, afterSequence int64, limit int) ([]domain.Event, error) {
	account, conversation, err := parseConversationIDs(accountID, conversationID)
	if err != nil {
		return nil, err
	}
	rows, err := s.queries.ConversationEventListAfter(ctx, s.pool, dbsqlc.ConversationEventListAfterParams{
		AccountID:      account,
		ConversationID: conversation,
		AfterSequence:  afterSequence,
		Max:            limitParam(limit),
	})
	if err != nil {
		return nil, interpret(err, "event")
	}
	events := make([]domain.Event, len(rows))
	for i, r := range rows {
		if events[i], err = eventFromRow(accountID, dbsqlc.ConversationEventListAccountRow(r)); err != nil {
			return nil, err
		}
	}
	return events, nil
}

// AccountEvents returns the events of every conversation of account accountID that f
// selects, after f.AfterCursor, in stream order, at most f.Limit of them (bounded as
// in ListConversations). Message events carry their message.
//
// The stream passes an event only once every transaction that started before the
// event's own has finished, so resuming from the Cursor of the last event returned
// never skips an event that committed late; the price is that events wait for the
// oldest running transaction of the database server. Returns EInvalid if f.AfterCursor
// is not a cursor this store issued.
func (s *Store) AccountEvents(ctx context.Context, accountID string, f domain.EventFilter) ([]domain.Event, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return nil, err
	}
	p := dbsqlc.ConversationEventListAccountParams{
		AccountID: account,
		Channels:  textArray(f.Channels),
		Types:     textArray(f.Types),
		Max:       limitParam(f.Limit),
	}
	if f.AfterCursor != "" {
		if p.AfterXID, p.AfterID, err = decodeCursor(f.AfterCursor); err != nil {
			return nil, err
		}
	}
	rows, err := s.queries.ConversationEventListAccount(ctx, s.pool, p)
	if err != nil {
		return nil, interpret(err, "event")
	}
	events := make([]domain.Event, len(rows))
	for i, r := range rows {
		if events[i], err = eventFromRow(accountID, r); err != nil {
			return nil, err
		}
	}
	return events, nil
}

// LatestCursor returns a cursor after which AccountEvents passes only the events
// committed from about now on: it may repeat a few that committed while an older
// transaction was still running, but it never skips one that commits later. The
// cursor is the same for every account.
func (s *Store) LatestCursor(ctx context.Context, accountID string) (string, error) {
	if _, err := parseID("account id", accountID); err != nil {
		return "", err
	}
	xid, err := s.queries.ConversationEventGetHorizon(ctx, s.pool)
	if err != nil {
		return "", interpret(err, "event")
	}
	// Identities start at 1, so (xid, 0) precedes every event of transaction xid.
	return encodeCursor(xid, 0), nil
}

// encodeCursor returns the cursor of the event with xid and id: base64url of "xid:id".
func encodeCursor(xid uint64, id int64) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d:%d", xid, id))
}

// errBadCursor is the error of a cursor that encodeCursor did not make.
var errBadCursor = domain.Errorf(domain.EInvalid, "after_cursor is not a cursor this server issued")

// decodeCursor returns the xid and id of a cursor made by encodeCursor.
func decodeCursor(cursor string) (xid uint64, id int64, err error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0, 0, errBadCursor
	}
	xidText, idText, ok := strings.Cut(string(b), ":")
	if !ok {
		return 0, 0, errBadCursor
	}
	if xid, err = strconv.ParseUint(xidText, 10, 64); err != nil {
		return 0, 0, errBadCursor
	}
	if id, err = strconv.ParseInt(idText, 10, 64); err != nil || id < 0 {
		return 0, 0, errBadCursor
	}
	return xid, id, nil
}

// eventFromRow converts a row of conversation_events of account accountID, joined with
// its message if it has one.
func eventFromRow(accountID string, r dbsqlc.ConversationEventListAccountRow) (domain.Event, error) {
	e := domain.Event{
		AccountID:      accountID,
		ConversationID: idString(r.ConversationID),
		Sequence:       r.Sequence,
		Type:           domain.EventType(r.Type),
		Channel:        domain.Channel(r.Channel),
		CreatedAt:      r.CreatedAt.UTC(),
		Cursor:         encodeCursor(r.XID, r.ID),
	}
	if r.Payload != nil {
		var p eventPayload
		if err := json.Unmarshal(r.Payload, &p); err != nil {
			return domain.Event{}, fmt.Errorf("store: payload of event %d of conversation %s: %w", e.Sequence, e.ConversationID, err)
		}
		e.Conversation, e.StatusChange, e.SkillChange, e.Visitor, e.Handoff = p.Conversation, p.StatusChange, p.SkillChange, p.Visitor, p.Handoff
	}
	if r.MessageID.Valid {
		m, err := messageFromRow(dbsqlc.Message{
			ConversationID: r.ConversationID,
			Sequence:       r.Sequence,
			ID:             r.MessageID,
			Author:         deref(r.MessageAuthor),
			AuthorName:     deref(r.MessageAuthorName),
			Body:           deref(r.MessageBody),
			Skill:          deref(r.MessageSkill),
			Card:           r.MessageCard,
			QuickReplies:   r.MessageQuickReplies,
			Links:          r.MessageLinks,
			CreatedAt:      deref(r.MessageCreatedAt),
		})
		if err != nil {
			return domain.Event{}, err
		}
		e.Message = &m
	}
	return e, nil
}

// deref returns *p, or the zero value for NULL.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
