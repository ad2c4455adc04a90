package metrics

import (
	"context"
	"time"
)

// foldBatch is how many deltas one fold statement moves.
const foldBatch = 5000

// Fold moves every recorded delta into the rollups, batch by batch, and returns how many
// it moved. Figures read the same before and after; folding keeps the deltas few, so
// reads stay fast.
func (s *Service) Fold(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.store.FoldMetrics(ctx, foldBatch)
		total += n
		if err != nil || n < foldBatch {
			return total, err
		}
	}
}

// RunFolder folds every interval until ctx ends. Every replica may run it: concurrent
// folds take different deltas.
func (s *Service) RunFolder(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := s.Fold(ctx); err != nil && ctx.Err() == nil {
			s.logger.WarnContext(ctx, "folding metric deltas into the rollups", "error", err)
		}
	}
}
