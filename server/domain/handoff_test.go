package domain_test

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/domain"
)

func TestBusinessHoursOpen(t *testing.T) {
	hours := &domain.BusinessHours{TimeZone: "Europe/Paris", Holidays: []string{"2026-12-25"},
		Weekly: []domain.OpeningHours{{Day: time.Friday, Open: "09:00", Close: "17:30"}, {Day: time.Saturday, Open: "10:00", Close: "24:00"}}}
	paris, _ := time.LoadLocation("Europe/Paris")
	tests := []struct {
		at   time.Time
		open bool
	}{
		{time.Date(2026, 11, 27, 9, 0, 0, 0, paris), true},     // Friday opening
		{time.Date(2026, 11, 27, 8, 59, 0, 0, paris), false},   // before
		{time.Date(2026, 11, 27, 17, 30, 0, 0, paris), false},  // closing time
		{time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC), true}, // 17:00 in Paris
		{time.Date(2026, 11, 28, 23, 59, 0, 0, paris), true},   // Saturday until midnight
		{time.Date(2026, 11, 29, 12, 0, 0, 0, paris), false},   // Sunday
		{time.Date(2026, 12, 25, 12, 0, 0, 0, paris), false},   // a Friday holiday
	}
	for _, tt := range tests {
		if got := hours.Open(tt.at); got != tt.open {
			t.Errorf("Open(%v) = %v, want %v", tt.at, got, tt.open)
		}
	}
	var always *domain.BusinessHours
	if !always.Open(time.Now()) {
		t.Error("no business hours should mean always open")
	}
}

func TestCheckInactivityTimeout(t *testing.T) {
	for d, ok := range map[time.Duration]bool{
		0: true, 5 * time.Minute: true, 7 * 24 * time.Hour: true, 90 * time.Minute: true,
		5*time.Minute - time.Second: false, 7*24*time.Hour + time.Second: false, -time.Minute: false,
	} {
		if err := domain.CheckInactivityTimeout(d); (err == nil) != ok || (err != nil && domain.CodeOf(err) != domain.EInvalid) {
			t.Errorf("CheckInactivityTimeout(%v) = %v, want ok %v", d, err, ok)
		}
	}
}
