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

// positionToken encodes a listing position, a time and an id with optional further
// parts, as an opaque token.
func positionToken(t time.Time, id string, more ...string) string {
	parts := append([]string{strconv.FormatInt(t.UnixMicro(), 10), id}, more...)
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "/")))
}

// parsePositionToken decodes a positionToken with n further parts.
func parsePositionToken(token string, n int) (time.Time, string, []string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return time.Time{}, "", nil, errPageToken
	}
	parts := strings.Split(string(raw), "/")
	if len(parts) != n+2 {
		return time.Time{}, "", nil, errPageToken
	}
	us, perr := strconv.ParseInt(parts[0], 10, 64)
	if _, uerr := uuid.Parse(parts[1]); perr != nil || uerr != nil {
		return time.Time{}, "", nil, errPageToken
	}
	return time.UnixMicro(us).UTC(), parts[1], parts[2:], nil
}

// questionPageToken encodes a position among a skill's questions.
func questionPageToken(p *domain.QuestionPosition) string {
	if p == nil {
		return ""
	}
	return positionToken(p.CreatedAt, p.ConversationID, strconv.FormatInt(p.Sequence, 10))
}

func parseQuestionPageToken(token string) (*domain.QuestionPosition, error) {
	if token == "" {
		return nil, nil
	}
	t, id, more, err := parsePositionToken(token, 1)
	if err != nil {
		return nil, err
	}
	seq, err := strconv.ParseInt(more[0], 10, 64)
	if err != nil {
		return nil, errPageToken
	}
	return &domain.QuestionPosition{CreatedAt: t, ConversationID: id, Sequence: seq}, nil
}

// newestFirstPageToken encodes a position in a newest-first listing (conversations,
// handoffs, the handoff log, skill requests, knowledge articles) as an opaque token.
func newestFirstPageToken(p *domain.Position) string {
	if p == nil {
		return ""
	}
	return positionToken(p.CreatedAt, p.ID)
}

func parseNewestFirstPageToken(token string) (*domain.Position, error) {
	if token == "" {
		return nil, nil
	}
	t, id, _, err := parsePositionToken(token, 0)
	if err != nil {
		return nil, err
	}
	return &domain.Position{CreatedAt: t, ID: id}, nil
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
