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
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(p.CreatedAt.UnixMicro(), 10) + "/" + p.ID))
}

func parseConversationPageToken(token string) (*domain.ConversationPosition, error) {
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
	return &domain.ConversationPosition{CreatedAt: time.UnixMicro(us).UTC(), ID: id}, nil
}
