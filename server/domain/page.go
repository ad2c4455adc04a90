package domain

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
