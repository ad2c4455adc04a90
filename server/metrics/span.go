package metrics

import (
	"time"

	"github.com/tandemhq/tandem/server/domain"
)

// spanOf returns the period as the rollups answer it: rounded outward to whole hours of
// the account's zone and, when days is set, with the whole days of that zone inside it
// read from the day rollup.
func spanOf(p Period, account *time.Location, days bool) domain.MetricSpan {
	s := domain.MetricSpan{Start: floorHour(p.Start, account), End: ceilHour(p.End, account), TimeZone: account.String()}
	s.DaysStart, s.DaysEnd = s.End, s.End
	if days {
		if first, end := ceilDay(s.Start, account), floorDay(s.End, account); first.Before(end) {
			s.DaysStart, s.DaysEnd = first, end
		}
	}
	s.FirstDay, s.EndDay = dateOf(s.DaysStart, account), dateOf(s.DaysEnd, account)
	return s
}

// emptyBuckets returns the zeroed buckets covering span: its hours, or the days of zone
// it touches.
func emptyBuckets(span domain.MetricSpan, width BucketWidth, zone *time.Location) []domain.MetricBucket {
	var out []domain.MetricBucket
	if width == BucketHour {
		for t := span.Start; t.Before(span.End); t = t.Add(time.Hour) {
			out = append(out, domain.MetricBucket{Start: t})
		}
		return out
	}
	for t := floorDay(span.Start, zone); t.Before(span.End); t = nextDay(t, zone) {
		out = append(out, domain.MetricBucket{Start: t})
	}
	return out
}

// floorHour returns the start of the hour of zone that t falls in, in UTC. Zones whose
// offset is not whole hours have hours starting at the half or quarter hour.
func floorHour(t time.Time, zone *time.Location) time.Time {
	_, offset := t.In(zone).Zone()
	d := time.Duration(offset) * time.Second
	return t.Add(d).Truncate(time.Hour).Add(-d).UTC()
}

// ceilHour returns t if it starts an hour of zone, else the start of the next hour.
func ceilHour(t time.Time, zone *time.Location) time.Time {
	if f := floorHour(t, zone); f.Equal(t) {
		return f
	}
	return floorHour(t.Add(time.Hour), zone)
}

// floorDay returns the start of the day of zone that t falls in, in UTC.
func floorDay(t time.Time, zone *time.Location) time.Time {
	l := t.In(zone)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, zone).UTC()
}

// ceilDay returns t if it starts a day of zone, else the start of the next day.
func ceilDay(t time.Time, zone *time.Location) time.Time {
	if f := floorDay(t, zone); f.Equal(t) {
		return f
	}
	return nextDay(t, zone)
}

// nextDay returns the start of the day of zone after the one t falls in, in UTC.
func nextDay(t time.Time, zone *time.Location) time.Time {
	l := t.In(zone)
	return time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, zone).UTC()
}

// dateOf returns the date of zone that t falls on, as midnight UTC.
func dateOf(t time.Time, zone *time.Location) time.Time {
	l := t.In(zone)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}
