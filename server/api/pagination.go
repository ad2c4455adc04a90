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
	return positionToken(&domain.Position{CreatedAt: p.CreatedAt, ID: p.ID})
}

func parseConversationPageToken(token string) (*domain.ConversationPosition, error) {
	p, err := parsePositionToken(token)
	if p == nil {
		return nil, err
	}
	return &domain.ConversationPosition{CreatedAt: p.CreatedAt, ID: p.ID}, nil
}

// positionToken encodes a place in a newest-first listing as an opaque token; nil (the
// last page) is empty.
func positionToken(p *domain.Position) string {
	if p == nil {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(p.CreatedAt.UnixMicro(), 10) + "/" + p.ID))
}

// parsePositionToken decodes positionToken's token; empty is the first page (nil).
func parsePositionToken(token string) (*domain.Position, error) {
	if token == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, errPageToken
	}
	micros, id, ok := strings.Cut(string(raw), "/")
	us, perr := strconv.ParseInt(micros, 10, 64)
	if _, uerr := uuid.Parse(id); !ok || perr != nil || uerr != nil {
		return nil, errPageToken
	}
	return &domain.Position{CreatedAt: time.UnixMicro(us).UTC(), ID: id}, nil
}

// offsetPage pages a fixed list (the skill catalog, the providers): it converts the page
// of items that token starts and returns the token of the next page (empty on the last).
func offsetPage[T, P any](items []T, size int32, token string, convert func(T) P) ([]P, string, error) {
	start, n := 0, len(items)
	if token != "" {
		raw, derr := base64.RawURLEncoding.DecodeString(token)
		o, perr := strconv.Atoi(strings.TrimPrefix(string(raw), "offset/"))
		if derr != nil || perr != nil || !strings.HasPrefix(string(raw), "offset/") || o <= 0 || o >= n {
			return nil, "", errPageToken
		}
		start = o
	}
	end := min(start+pageSize(size), n)
	page := make([]P, 0, end-start)
	for _, it := range items[start:end] {
		page = append(page, convert(it))
	}
	var next string
	if end < n {
		next = base64.RawURLEncoding.EncodeToString([]byte("offset/" + strconv.Itoa(end)))
	}
	return page, next, nil
}

// handoffPageToken encodes a handoff listing position as an opaque token.
func handoffPageToken(p *domain.HandoffPosition) string {
	if p == nil {
		return ""
	}
	return positionToken(&domain.Position{CreatedAt: p.CreatedAt, ID: p.ID})
}

func parseHandoffPageToken(token string) (*domain.HandoffPosition, error) {
	p, err := parsePositionToken(token)
	if p == nil {
		return nil, err
	}
	return &domain.HandoffPosition{CreatedAt: p.CreatedAt, ID: p.ID}, nil
}
