package api

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/tandemhq/tandem/server/domain"
)

// defaultPageSize applies when a request's page_size is 0.
const defaultPageSize = 50

func pageSize(n int32) int {
	if n <= 0 {
		return defaultPageSize
	}
	return int(n)
}

var errPageToken = domain.Errorf(domain.EInvalid, "page_token is not valid: pass the next_page_token of the previous page unchanged")

// conversationPageToken encodes a listing position as an opaque token.
func conversationPageToken(p *domain.ConversationPosition) string {
	if p == nil {
		return ""
	}
	return positionToken(p.CreatedAt, p.ID)
}

func parseConversationPageToken(token string) (*domain.ConversationPosition, error) {
	at, id, err := parsePositionToken(token)
	if err != nil || id == "" {
		return nil, err
	}
	return &domain.ConversationPosition{CreatedAt: at, ID: id}, nil
}

// handoffPageToken encodes a handoff listing position as an opaque token.
func handoffPageToken(p *domain.HandoffPosition) string {
	if p == nil {
		return ""
	}
	return positionToken(p.CreatedAt, p.ID)
}

func parseHandoffPageToken(token string) (*domain.HandoffPosition, error) {
	at, id, err := parsePositionToken(token)
	if err != nil || id == "" {
		return nil, err
	}
	return &domain.HandoffPosition{CreatedAt: at, ID: id}, nil
}

// positionToken encodes a newest-first position (creation time, id) as a token.
func positionToken(createdAt time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(createdAt.UnixMicro(), 10) + "/" + id))
}

// parsePositionToken decodes positionToken's token; the empty token is no position.
func parsePositionToken(token string) (time.Time, string, error) {
	if token == "" {
		return time.Time{}, "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return time.Time{}, "", errPageToken
	}
	micros, id, ok := strings.Cut(string(raw), "/")
	us, perr := strconv.ParseInt(micros, 10, 64)
	if _, uerr := uuid.Parse(id); !ok || perr != nil || uerr != nil {
		return time.Time{}, "", errPageToken
	}
	return time.UnixMicro(us).UTC(), id, nil
}
