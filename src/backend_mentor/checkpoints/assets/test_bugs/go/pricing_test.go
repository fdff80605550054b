// Tests for pricing.go. Add your own: one behaviour per test, named after that behaviour.
package pricing

import "testing"

func TestSingleItemWithoutCouponPaysTaxAndShipping(t *testing.T) {
	got, err := PriceCart([]Item{{SKU: "BOOK-1", UnitPrice: 2000, Quantity: 1}}, nil, "2024-06-01", DefaultTaxRateBP)
	if err != nil {
		t.Fatal(err)
	}
	want := Breakdown{Subtotal: 2000, Discount: 0, Tax: 200, Shipping: 499, Total: 2699}
	if got != want {
		t.Errorf("PriceCart() = %+v, want %+v", got, want)
	}
}
