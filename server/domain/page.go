package domain

import "time"

// Position is a place in a newest-first listing: the creation time and id of the last
// item of the previous page.
type Position struct {
	// CreatedAt is the item's creation time.
	CreatedAt time.Time
	// ID is the item's id.
	ID string
}

// Page cuts items, fetched with a limit of limit+1, to at most limit and returns where
// the next page starts: the position of the last item kept, or nil when nothing was cut.
func Page[T, P any](items []T, limit int, position func(T) P) ([]T, *P) {
	if len(items) <= limit {
		return items, nil
	}
	items = items[:limit]
	next := position(items[limit-1])
	return items, &next
}
