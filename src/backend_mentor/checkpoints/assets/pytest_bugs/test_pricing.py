"""Tests for pricing.py. Add your own: one behaviour per test, named after that behaviour."""

from datetime import date
from decimal import Decimal

from pricing import Item, price_cart


def test_single_item_without_coupon_pays_tax_and_shipping():
    result = price_cart([Item("BOOK-1", Decimal("20.00"))], today=date(2024, 6, 1))

    assert result.subtotal == Decimal("20.00")
    assert result.discount == Decimal("0.00")
    assert result.tax == Decimal("2.00")
    assert result.shipping == Decimal("4.99")
    assert result.total == Decimal("26.99")
