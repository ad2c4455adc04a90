package agent

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/domain"
)

// TestDatesAreInTheAccountsTimeZone: a store in New York whose coupon ends at 23:59
// Eastern time on January 31 and whose parcel arrives late tomorrow evening there
// (both already the next day in UTC).
func TestDatesAreInTheAccountsTimeZone(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	// now is 08:00 on Tuesday, March 10 in New York.
	lateTomorrow := time.Date(2026, 3, 11, 22, 30, 0, 0, newYork)
	trail20Ends := time.Date(2027, 1, 31, 23, 59, 59, 0, newYork)
	for _, tc := range []struct {
		zone               *time.Location
		coupon, parcel     string
		notCoupon, notDate string
	}{
		{zone: newYork, coupon: "until January 31, 2027", parcel: "should arrive tomorrow",
			notCoupon: "February 1", notDate: "March 12"},
		{zone: time.UTC, coupon: "until February 1, 2027", parcel: "should arrive on Thursday, March 12",
			notCoupon: "January 31", notDate: "tomorrow"},
	} {
		t.Run(tc.zone.String(), func(t *testing.T) {
			s := newSetup(t, func(o *Options) { o.Statuses = statuses{zone: tc.zone} })
			s.shop.public[1].ExpiresAt = trail20Ends
			s.shop.orders["cust_1001"][1].Shipments[0].EstimatedDelivery = lateTomorrow

			coupons := text(s.chat(t, domain.ChannelWebchat, avaLoggedIn).send("do you have any discount codes?"))
			mustContain(t, coupons, "TRAIL20", tc.coupon)
			mustNotContain(t, coupons, tc.notCoupon)
			parcel := text(s.chat(t, domain.ChannelWebchat, avaLoggedIn).send("where is my order #1042?"))
			mustContain(t, parcel, "#1042", tc.parcel)
			mustNotContain(t, parcel, tc.notDate)
		})
	}
}
