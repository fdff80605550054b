// Package pricing prices a shopping cart for a small web shop: subtotal, coupon discount, tax,
// shipping and total. Money is always an int64 number of cents; every rounding goes to whole
// cents, half up (half a cent becomes a whole cent). README.md is the specification.
package pricing

import (
	"errors"
	"fmt"
	"time"
)

const (
	DefaultTaxRateBP      = 1000 // basis points: 1000 = 10%
	FreeShippingThreshold = 5000
	ShippingFee           = 499
)

// Item is one line of the cart.
type Item struct {
	SKU       string
	UnitPrice int64 // cents
	Quantity  int64
}

// Coupon is a percent or fixed discount. ExpiresOn is the last day it can be used, as an ISO
// date ("2024-06-30"); the empty string means it never expires.
type Coupon struct {
	Code            string
	Kind            string // "percent" or "fixed"
	Value           int64  // percent: 1..100; fixed: cents
	MinimumSubtotal int64
	ExpiresOn       string
}

// Breakdown is the priced cart, all in cents.
type Breakdown struct {
	Subtotal, Discount, Tax, Shipping, Total int64
}

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("invalid")

// NewCoupon validates a coupon.
func NewCoupon(code, kind string, value, minimumSubtotal int64, expiresOn string) (Coupon, error) {
	switch {
	case kind != "percent" && kind != "fixed":
		return Coupon{}, fmt.Errorf("%w: unknown coupon kind %q", ErrInvalid, kind)
	case kind == "percent" && (value <= 0 || value > 100):
		return Coupon{}, fmt.Errorf("%w: a percent coupon must be more than 0 and at most 100", ErrInvalid)
	case kind == "fixed" && value <= 0:
		return Coupon{}, fmt.Errorf("%w: a fixed coupon must be worth more than 0", ErrInvalid)
	}
	return Coupon{code, kind, value, minimumSubtotal, expiresOn}, nil
}

// roundHalfUp divides and rounds to the nearest integer, halves up (both non-negative).
func roundHalfUp(numerator, denominator int64) int64 {
	return (2*numerator + denominator) / (2 * denominator)
}

// Subtotal sums unit price times quantity.
func Subtotal(items []Item) (int64, error) {
	var total int64
	for _, it := range items {
		if it.Quantity < 1 {
			return 0, fmt.Errorf("%w: quantity of %s must be at least 1", ErrInvalid, it.SKU)
		}
		if it.UnitPrice < 0 {
			return 0, fmt.Errorf("%w: price of %s must not be negative", ErrInvalid, it.SKU)
		}
		total += it.UnitPrice * it.Quantity
	}
	return total, nil
}

func couponApplies(c *Coupon, amount int64, today string) bool {
	if c.ExpiresOn != "" && today > c.ExpiresOn {
		return false
	}
	return amount >= c.MinimumSubtotal
}

// Discount is what the coupon takes off amount on the given day.
func Discount(amount int64, c *Coupon, today string) int64 {
	if c == nil || !couponApplies(c, amount, today) {
		return 0
	}
	if c.Kind == "percent" {
		return roundHalfUp(amount*c.Value, 100)
	}
	if c.Value < amount {
		return c.Value
	}
	return amount
}

// Tax is amount times the rate in basis points, rounded half up to cents.
func Tax(amount, rateBP int64) int64 {
	return roundHalfUp(amount*rateBP, 10000)
}

// Shipping is free from the threshold on.
func Shipping(amount int64) int64 {
	if amount >= FreeShippingThreshold {
		return 0
	}
	return ShippingFee
}

// PriceCart prices the cart; today is an ISO date ("" means the current day).
func PriceCart(items []Item, c *Coupon, today string, taxRateBP int64) (Breakdown, error) {
	if len(items) == 0 {
		return Breakdown{}, nil
	}
	if today == "" {
		today = time.Now().Format("2006-01-02")
	}
	sub, err := Subtotal(items)
	if err != nil {
		return Breakdown{}, err
	}
	off := Discount(sub, c, today)
	goods := sub - off
	taxDue := Tax(goods, taxRateBP)
	ship := Shipping(goods)
	return Breakdown{sub, off, taxDue, ship, goods + taxDue + ship}, nil
}
