"""A reference test suite for pricing.py: it pins every rule of README.md."""

from datetime import date
from decimal import Decimal

import pytest
from pricing import Coupon, Item, price_cart

TODAY = date(2024, 6, 1)


def cart(*prices: str) -> list[Item]:
    return [Item(f"SKU-{i}", Decimal(p)) for i, p in enumerate(prices)]


def test_subtotal_multiplies_price_by_quantity():
    result = price_cart([Item("MUG", Decimal("7.50"), quantity=3)], today=TODAY)
    assert result.subtotal == Decimal("22.50")


@pytest.mark.parametrize("quantity", [0, -1])
def test_quantity_below_one_is_rejected(quantity):
    with pytest.raises(ValueError):
        price_cart([Item("MUG", Decimal("7.50"), quantity=quantity)], today=TODAY)


def test_oversized_quantities_and_prices_are_priced_exactly():
    result = price_cart([Item("BULK", Decimal("12345.67"), quantity=1_000_000)], today=TODAY)
    assert result.subtotal == Decimal("12345670000.00")


def test_empty_cart_costs_nothing():
    result = price_cart([], today=TODAY)
    assert (result.subtotal, result.tax, result.shipping, result.total) == (Decimal("0"),) * 4


def test_tax_is_rounded_half_up():
    result = price_cart(cart("10.25"), today=TODAY)
    assert result.tax == Decimal("1.03")


def test_shipping_is_not_taxed():
    result = price_cart(cart("20.00"), today=TODAY)
    assert result.tax == Decimal("2.00")
    assert result.total == Decimal("26.99")


def test_free_shipping_at_exactly_the_threshold():
    assert price_cart(cart("50.00"), today=TODAY).shipping == Decimal("0.00")
    assert price_cart(cart("49.99"), today=TODAY).shipping == Decimal("4.99")


def test_free_shipping_uses_the_discounted_amount():
    coupon = Coupon("TEN", "fixed", Decimal("10.00"))
    result = price_cart(cart("55.00"), coupon=coupon, today=TODAY)
    assert result.shipping == Decimal("4.99")


def test_tax_is_computed_after_the_discount():
    coupon = Coupon("TEN", "fixed", Decimal("10.00"))
    result = price_cart(cart("30.00"), coupon=coupon, today=TODAY)
    assert result.tax == Decimal("2.00")
    assert result.total == Decimal("26.99")


def test_percent_discount_is_rounded_half_up():
    coupon = Coupon("P10", "percent", Decimal("10"))
    assert price_cart(cart("26.75"), coupon=coupon, today=TODAY).discount == Decimal("2.68")


def test_hundred_percent_coupon_is_valid():
    coupon = Coupon("FREE", "percent", Decimal("100"))
    assert price_cart(cart("60.00"), coupon=coupon, today=TODAY).discount == Decimal("60.00")


def test_fixed_coupon_never_makes_the_cart_negative():
    coupon = Coupon("BIG", "fixed", Decimal("100.00"))
    result = price_cart(cart("30.00"), coupon=coupon, today=TODAY)
    assert result.discount == Decimal("30.00")
    assert result.total == Decimal("4.99")


def test_coupon_works_on_its_expiry_day_but_not_after():
    coupon = Coupon("JUNE", "fixed", Decimal("5.00"), expires_on=TODAY)
    assert price_cart(cart("20.00"), coupon=coupon, today=TODAY).discount == Decimal("5.00")
    assert price_cart(cart("20.00"), coupon=coupon, today=date(2024, 6, 2)).discount == Decimal("0.00")


def test_coupon_without_expiry_always_applies():
    coupon = Coupon("FOREVER", "fixed", Decimal("5.00"))
    assert price_cart(cart("20.00"), coupon=coupon, today=TODAY).discount == Decimal("5.00")


def test_coupon_minimum_is_inclusive():
    coupon = Coupon("MIN30", "fixed", Decimal("5.00"), minimum_subtotal=Decimal("30.00"))
    assert price_cart(cart("30.00"), coupon=coupon, today=TODAY).discount == Decimal("5.00")
    assert price_cart(cart("29.99"), coupon=coupon, today=TODAY).discount == Decimal("0.00")
