// Package demo holds the content of the demo account: Northwind Outfitters, an outdoor
// apparel and gear shop whose built-in demo store (customers, orders, catalog,
// subscriptions, loyalty, coupons) and knowledge base let every skill answer offline.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store"
)

// StoreSeeder writes an account's demo store; *store.Store is one.
type StoreSeeder interface {
	// SeedDemoStore upserts the demo store's content, duplicating nothing.
	SeedDemoStore(ctx context.Context, accountID string, d store.DemoStoreData) error
}

// SeedStore writes Northwind Outfitters' demo store for account accountID, its dates
// relative to now (Ava Chen's order #1045 was placed 20 minutes before now, and so on).
// It is idempotent: seeding again refreshes the dates and duplicates nothing.
func SeedStore(ctx context.Context, s StoreSeeder, accountID string, now time.Time) error {
	if err := s.SeedDemoStore(ctx, accountID, StoreData(now)); err != nil {
		return fmt.Errorf("seeding the demo store: %w", err)
	}
	return nil
}

// storeSiteURL is Northwind Outfitters' website.
const storeSiteURL = "https://northwind.example"

// StoreData returns Northwind Outfitters' demo store with dates relative to now.
func StoreData(now time.Time) store.DemoStoreData {
	now = now.UTC().Truncate(time.Second)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	in := func(d time.Duration) time.Time { return now.Add(d) }
	const day = 24 * time.Hour
	return store.DemoStoreData{
		Name:             "Northwind Outfitters",
		SiteURL:          storeSiteURL,
		Currency:         "USD",
		ReturnWindowDays: 30,
		Customers: []store.DemoCustomer{
			{ProfileID: "cust_1001", Email: "ava.chen@example.com", FirstName: "Ava", LastName: "Chen"},
			{ProfileID: "cust_1002", Email: "marcus.reed@example.com", FirstName: "Marcus", LastName: "Reed"},
			{ProfileID: "cust_1003", Email: "priya.patel@example.com", FirstName: "Priya", LastName: "Patel"},
			{ProfileID: "cust_1004", Email: "diego.alvarez@example.com", FirstName: "Diego", LastName: "Alvarez"},
			{ProfileID: "cust_1005", Email: "hannah.olsen@example.com", FirstName: "Hannah", LastName: "Olsen"},
		},
		Products: storeCatalog,
		Orders: []store.DemoOrder{
			{
				ID: "ord_1045", Number: 1045, CustomerID: "cust_1001", PlacedAt: ago(20 * time.Minute),
				FulfillmentStatus: "unfulfilled", TotalMinor: 19100,
				LineItems:       []store.DemoLineItem{storeItem("stormline-rain-jacket", "Women's M / Slate Blue", 1), storeItem("merino-trail-socks-3-pack", "M", 1)},
				ShippingAddress: storeAvaAddress,
			},
			{
				ID: "ord_1042", Number: 1042, CustomerID: "cust_1001", PlacedAt: ago(3 * day),
				FulfillmentStatus: "fulfilled", TotalMinor: 18900,
				LineItems: []store.DemoLineItem{storeItem("ridgeback-waterproof-hiking-boots", "Women's 8 / Brown", 1)},
				Shipments: []domain.Shipment{{
					Carrier: "UPS", TrackingNumber: "1Z999AA10123456784",
					TrackingURL: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
					Status:      "In transit", EstimatedDelivery: in(2 * day),
				}},
				ShippingAddress: storeAvaAddress,
			},
			{
				ID: "ord_1037", Number: 1037, CustomerID: "cust_1001", PlacedAt: ago(15 * day),
				FulfillmentStatus: "delivered", TotalMinor: 11500,
				LineItems: []store.DemoLineItem{storeItem("trailhead-fleece-pullover", "Women's S / Forest", 1), storeItem("insulated-steel-bottle-32-oz", "Glacier", 1)},
				Shipments: []domain.Shipment{{
					Carrier: "USPS", TrackingNumber: "9400111899223197428490",
					TrackingURL: "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428490",
					Status:      "Delivered", EstimatedDelivery: ago(10 * day),
				}},
				ShippingAddress: storeAvaAddress, DeliveredAt: ago(10 * day),
			},
			{
				ID: "ord_1029", Number: 1029, CustomerID: "cust_1001", PlacedAt: ago(50 * day),
				FulfillmentStatus: "delivered", TotalMinor: 12900,
				LineItems: []store.DemoLineItem{storeItem("summit-35-daypack", "Ember", 1)},
				Shipments: []domain.Shipment{{
					Carrier: "UPS", TrackingNumber: "1Z999AA10123456701",
					TrackingURL: "https://www.ups.com/track?tracknum=1Z999AA10123456701",
					Status:      "Delivered", EstimatedDelivery: ago(45 * day),
				}},
				ShippingAddress: storeAvaAddress, DeliveredAt: ago(45 * day),
			},
			{
				ID: "ord_1040", Number: 1040, CustomerID: "cust_1002", PlacedAt: ago(9 * day),
				FulfillmentStatus: "delivered", TotalMinor: 14900,
				LineItems: []store.DemoLineItem{storeItem("alpine-down-parka-final-sale", "Men's L / Black", 1)},
				Shipments: []domain.Shipment{{
					Carrier: "UPS", TrackingNumber: "1Z999AA10123456722",
					TrackingURL: "https://www.ups.com/track?tracknum=1Z999AA10123456722",
					Status:      "Delivered", EstimatedDelivery: ago(5 * day),
				}},
				ShippingAddress: "Marcus Reed, 77 Larimer Street, Denver, CO 80202, United States", DeliveredAt: ago(5 * day),
			},
			{
				ID: "ord_1043", Number: 1043, CustomerID: "cust_1003", PlacedAt: ago(4 * day),
				FulfillmentStatus: "partially_fulfilled", TotalMinor: 56800,
				LineItems: []store.DemoLineItem{storeItem("basecamp-2-backpacking-tent", "Sage", 1), storeItem("nightfall-20-sleeping-bag", "Regular", 1)},
				Shipments: []domain.Shipment{{
					Carrier: "UPS", TrackingNumber: "1Z999AA10123456755",
					TrackingURL: "https://www.ups.com/track?tracknum=1Z999AA10123456755",
					Status:      "In transit", EstimatedDelivery: in(1 * day),
				}},
				ShippingAddress: "Priya Patel, 210 Commonwealth Avenue, Boston, MA 02116, United States",
			},
			{
				ID: "ord_1038", Number: 1038, CustomerID: "cust_1003", PlacedAt: ago(14 * day),
				FulfillmentStatus: "cancelled", TotalMinor: 4295,
				LineItems:       []store.DemoLineItem{storeItem("insulated-steel-bottle-32-oz", "Slate", 1)},
				ShippingAddress: "Priya Patel, 210 Commonwealth Avenue, Boston, MA 02116, United States",
				CancelledAt:     ago(14*day - time.Hour),
			},
			{
				ID: "ord_1041", Number: 1041, CustomerID: "cust_1004", PlacedAt: ago(11 * day),
				FulfillmentStatus: "delivered", TotalMinor: 15100,
				LineItems: []store.DemoLineItem{storeItem("trailblazer-trail-running-shoes", "Men's 10 / Lava", 1), storeItem("northwind-logo-trail-cap-final-sale", "One size / Khaki", 1)},
				Shipments: []domain.Shipment{{
					Carrier: "USPS", TrackingNumber: "9400111899223197428512",
					TrackingURL: "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428512",
					Status:      "Delivered", EstimatedDelivery: ago(7 * day),
				}},
				ShippingAddress: "Diego Alvarez, 455 Mission Street, San Francisco, CA 94105, United States", DeliveredAt: ago(7 * day),
			},
			{
				ID: "ord_1044", Number: 1044, CustomerID: "cust_1005", PlacedAt: ago(6 * day),
				FulfillmentStatus: "fulfilled", TotalMinor: 19695,
				LineItems: []store.DemoLineItem{storeItem("summit-softshell-jacket", "Women's M / Fjord", 1), storeItem("lightweight-hiking-socks", "M", 1)},
				Shipments: []domain.Shipment{{
					Carrier: "DHL", TrackingNumber: "1234567890",
					TrackingURL: "https://www.dhl.com/en/express/tracking.html?AWB=1234567890",
					Status:      "In transit", EstimatedDelivery: in(5 * day),
				}},
				ShippingAddress: "Hannah Olsen, 88 Queen Street West, Toronto, ON M5H 2M9, Canada",
			},
		},
		Subscriptions: []store.DemoSubscription{
			{ID: "sub_2001", CustomerID: "cust_1001", ProductTitle: "Camp Coffee - Dark Roast 12 oz", Status: "active", IntervalDays: 30, NextChargeAt: in(9 * day), PriceMinor: 1440},
			{ID: "sub_2002", CustomerID: "cust_1002", ProductTitle: "Merino Trail Socks (3-pack)", Status: "paused", IntervalDays: 60, PriceMinor: 3780},
			{ID: "sub_2003", CustomerID: "cust_1003", ProductTitle: "Camp Coffee - Medium Roast 12 oz", Status: "active", IntervalDays: 30, NextChargeAt: in(4 * day), PriceMinor: 1440},
		},
		LoyaltyBalances: []store.DemoLoyaltyBalance{
			{CustomerID: "cust_1001", Points: 820},
			{CustomerID: "cust_1002", Points: 120},
			{CustomerID: "cust_1003", Points: 1640},
			{CustomerID: "cust_1004", Points: 310},
			{CustomerID: "cust_1005", Points: 505},
		},
		Coupons: []store.DemoCoupon{
			{Code: "WELCOME10", Description: "10% off your first order, no minimum"},
			{Code: "TRAIL20", Description: "$20 off orders of $150 or more", MinimumMinor: 15000, ExpiresAt: storeTrail20Expiry},
			{Code: "BDAY-AVA15", Description: "Happy birthday! 15% off one order", CustomerID: "cust_1001", ExpiresAt: in(20 * day)},
			{Code: "SUMMIT-PRIYA10", Description: "$10 Summit Rewards reward (200 points)", CustomerID: "cust_1003", ExpiresAt: in(60 * day)},
			{Code: "RIDGE-HANNAH5", Description: "$5 Summit Rewards reward (100 points)", CustomerID: "cust_1005", ExpiresAt: in(45 * day)},
		},
	}
}

// storeAvaAddress is Ava Chen's shipping address.
const storeAvaAddress = "Ava Chen, 1428 SE Hawthorne Blvd, Portland, OR 97214, United States"

// storeTrail20Expiry is the end of TRAIL20's last day, January 31, 2027, Eastern time.
var storeTrail20Expiry = time.Date(2027, 1, 31, 23, 59, 59, 0, time.FixedZone("EST", -5*60*60))

// storeItem returns an order line for the catalog product with the id.
func storeItem(productID, variant string, quantity int) store.DemoLineItem {
	for _, p := range storeCatalog {
		if p.ID == productID {
			return store.DemoLineItem{
				LineItem:  domain.LineItem{Title: p.Title, Variant: variant, Quantity: quantity, ImageURL: p.ImageURL},
				FinalSale: p.FinalSale,
			}
		}
	}
	panic("demo: no catalog product " + productID)
}

// storeProduct returns a catalog product whose page and picture follow its id.
func storeProduct(id, title string, priceMinor int64, description string, tags ...string) store.DemoProduct {
	return store.DemoProduct{
		ID: id, Title: title, Description: description, PriceMinor: priceMinor,
		URL: storeSiteURL + "/products/" + id, ImageURL: storeSiteURL + "/images/products/" + id + ".jpg",
		InStock: true, Tags: tags,
	}
}

// outOfStock marks p sold out.
func outOfStock(p store.DemoProduct) store.DemoProduct { p.InStock = false; return p }

// finalSale marks p final sale.
func finalSale(p store.DemoProduct) store.DemoProduct { p.FinalSale = true; return p }

// storeCatalog is Northwind Outfitters' catalog.
var storeCatalog = []store.DemoProduct{
	storeProduct("stormline-rain-jacket", "Stormline Rain Jacket", 14900,
		"Fully waterproof, breathable 2.5-layer rain jacket with taped seams, pit zips and an adjustable storm hood. Packs into its own pocket.",
		"rain jacket", "jackets", "outerwear", "waterproof", "women", "men"),
	storeProduct("cascade-packable-rain-shell", "Cascade Packable Rain Shell", 11900,
		"Ultralight 7 oz rain shell for fast hikes and travel; waterproof, windproof and stuffs into a chest pocket.",
		"rain shell", "rain jacket", "jackets", "outerwear", "waterproof", "lightweight", "packable"),
	storeProduct("stormline-rain-pants", "Stormline Rain Pants", 10900,
		"Waterproof, breathable full-zip rain pants that pull on over boots.",
		"rain pants", "pants", "waterproof", "outerwear"),
	storeProduct("summit-softshell-jacket", "Summit Softshell Jacket", 15900,
		"Stretchy, wind-resistant softshell with a brushed lining for cool, dry days on the trail.",
		"softshell", "jackets", "outerwear", "windproof"),
	storeProduct("ridgeline-insulated-parka", "Ridgeline Insulated Parka", 27900,
		"Warm synthetic-insulated winter parka with a waterproof shell, hood and fleece-lined pockets; keeps insulating when wet.",
		"parka", "winter jacket", "jackets", "outerwear", "insulated", "waterproof"),
	storeProduct("alpine-800-down-jacket", "Alpine 800 Down Jacket", 24900,
		"800-fill responsibly sourced down jacket, light enough for a summit pack and warm enough for winter camp.",
		"down jacket", "puffer", "jackets", "outerwear", "insulated"),
	finalSale(storeProduct("alpine-down-parka-final-sale", "Alpine Down Parka (Final sale)", 14900,
		"Last season's long 700-fill down parka at 45% off. Final sale: cannot be returned or exchanged.",
		"down parka", "winter jacket", "jackets", "outerwear", "sale", "final sale")),
	storeProduct("trailhead-fleece-pullover", "Trailhead Fleece Pullover", 7900,
		"Cosy 200-weight recycled fleece quarter-zip for layering or camp evenings.",
		"fleece", "pullover", "midlayer", "recycled"),
	outOfStock(storeProduct("basecamp-fleece-jacket", "Basecamp Full-Zip Fleece Jacket", 9900,
		"Classic full-zip high-pile fleece jacket with zip hand pockets.",
		"fleece", "fleece jacket", "jackets", "midlayer")),
	storeProduct("merino-250-base-layer-crew", "Merino 250 Base Layer Crew", 8500,
		"Midweight 100% merino wool long-sleeve base layer: warm, soft and naturally odour-resistant.",
		"base layer", "thermal", "merino wool", "long sleeve", "tops"),
	storeProduct("merino-150-base-layer-tee", "Merino 150 Base Layer Tee", 6500,
		"Lightweight merino t-shirt for hot hikes and multi-day trips.",
		"base layer", "merino wool", "t-shirt", "tops"),
	storeProduct("thermal-base-layer-bottoms", "Thermal Base Layer Bottoms", 6900,
		"Merino-blend long underwear for cold-weather hiking, skiing and sleeping warm.",
		"base layer", "thermal", "leggings", "bottoms"),
	storeProduct("ridgeback-waterproof-hiking-boots", "Ridgeback Waterproof Hiking Boots", 18900,
		"Leather mid-height hiking boots with a waterproof membrane, Vibram outsole and all-day cushioning.",
		"hiking boots", "boots", "footwear", "waterproof", "leather"),
	storeProduct("switchback-mid-hiking-boots", "Switchback Mid Hiking Boots", 15900,
		"Lightweight synthetic hiking boots that need no break-in; great for day hikes.",
		"hiking boots", "boots", "footwear", "lightweight"),
	storeProduct("trailblazer-trail-running-shoes", "Trailblazer Trail Running Shoes", 13900,
		"Grippy, cushioned trail runners with a rock plate for technical terrain.",
		"trail runners", "trail running shoes", "running", "footwear"),
	outOfStock(storeProduct("fastpack-gtx-trail-runners", "Fastpack GTX Trail Runners", 15900,
		"Waterproof trail running shoes for wet and muddy trails.",
		"trail runners", "trail running shoes", "running", "footwear", "waterproof")),
	storeProduct("summit-35-daypack", "Summit 35 Daypack", 12900,
		"35-litre hiking daypack with a ventilated back panel, hip belt, rain cover and hydration sleeve.",
		"daypack", "backpack", "packs", "hiking"),
	storeProduct("expedition-65-backpack", "Expedition 65 Backpack", 25900,
		"65-litre backpacking pack with an adjustable torso and load lifters for multi-day trips.",
		"backpacking pack", "backpack", "packs", "multi-day"),
	storeProduct("trail-20-hydration-pack", "Trail 20 Hydration Pack", 8900,
		"Slim 20-litre pack with a 2-litre reservoir for trail runs and bike rides.",
		"hydration pack", "backpack", "packs", "running"),
	storeProduct("basecamp-2-backpacking-tent", "Basecamp 2 Backpacking Tent", 34900,
		"Freestanding two-person, three-season tent at 3 lb 8 oz with two doors and two vestibules.",
		"tent", "backpacking tent", "2-person", "camping", "shelter"),
	outOfStock(storeProduct("summit-4-season-tent", "Summit 4-Season Tent", 54900,
		"Bombproof two-person mountaineering tent for snow and high winds.",
		"tent", "4-season tent", "mountaineering", "camping", "shelter")),
	storeProduct("nightfall-20-sleeping-bag", "Nightfall 20 Sleeping Bag", 21900,
		"20 °F down sleeping bag for three-season backpacking; compresses to the size of a loaf.",
		"sleeping bag", "down", "camping", "backpacking"),
	storeProduct("featherlite-40-sleeping-bag", "Featherlite 40 Sleeping Bag", 15900,
		"Ultralight 40 °F summer sleeping bag that packs down tiny.",
		"sleeping bag", "summer", "camping", "ultralight"),
	storeProduct("insulated-sleeping-pad", "Insulated Sleeping Pad", 11900,
		"R-value 4.2 inflatable sleeping pad, quiet and warm for three seasons.",
		"sleeping pad", "camping", "backpacking"),
	storeProduct("merino-trail-socks-3-pack", "Merino Trail Socks (3-pack)", 4200,
		"Cushioned merino wool hiking socks, three pairs. Also available in the Northwind Refill Club every 60 days.",
		"socks", "hiking socks", "merino wool", "refill club"),
	storeProduct("lightweight-hiking-socks", "Lightweight Hiking Socks", 1800,
		"Thin, breathable crew socks for warm-weather hikes.",
		"socks", "hiking socks"),
	storeProduct("camp-coffee-dark-roast", "Camp Coffee - Dark Roast 12 oz", 1600,
		"Bold, smoky whole-bean dark roast for the campfire percolator. Subscribe in the Northwind Refill Club and save 10%.",
		"coffee", "camp kitchen", "refill club"),
	storeProduct("camp-coffee-medium-roast", "Camp Coffee - Medium Roast 12 oz", 1600,
		"Smooth, chocolatey whole-bean medium roast. Subscribe in the Northwind Refill Club and save 10%.",
		"coffee", "camp kitchen", "refill club"),
	storeProduct("insulated-steel-bottle-32-oz", "Insulated Steel Bottle 32 oz", 3600,
		"Double-wall vacuum-insulated water bottle: cold for 24 hours, hot for 12.",
		"water bottle", "bottle", "insulated", "hydration"),
	storeProduct("collapsible-water-bottle", "Collapsible Water Bottle 1 L", 2200,
		"Soft, packable 1-litre bottle that rolls up when empty.",
		"water bottle", "bottle", "hydration", "packable"),
	storeProduct("trailbeam-300-headlamp", "Trailbeam 300 Headlamp", 4500,
		"Rechargeable 300-lumen headlamp with red night mode.",
		"headlamp", "lighting", "camping"),
	finalSale(storeProduct("northwind-logo-trail-cap-final-sale", "Northwind Logo Trail Cap (Final sale)", 1200,
		"Quick-dry five-panel cap, 50% off. Final sale: cannot be returned or exchanged.",
		"cap", "hat", "accessories", "sale", "final sale")),
}
