package domain

import "time"

// SkillRequest is a brand's description of visitor questions no skill covers.
type SkillRequest struct {
	// AccountID is the owning account.
	AccountID string
	// ID identifies the request.
	ID string
	// Description says what the brand wants covered.
	Description string
	// ExampleQuestions are visitor questions the skill should answer.
	ExampleQuestions []string
	// RequestedBy is who asked.
	RequestedBy Actor
	// CreatedAt is when.
	CreatedAt time.Time
}

// Position is a place in a newest-first listing: the creation time and id of the last
// item of the previous page.
type Position struct {
	// CreatedAt is the item's creation time.
	CreatedAt time.Time
	// ID is the item's id.
	ID string
}

// Paginate trims items, fetched with one more than limit, to limit, and returns the
// position to continue after when there was more (nil on the last page).
func Paginate[T any](items []T, limit int, position func(T) Position) ([]T, *Position) {
	if limit <= 0 || len(items) <= limit {
		return items, nil
	}
	p := position(items[limit-1])
	return items[:limit], &p
}
