"""Cart pricing for a small web shop: subtotal, coupon discount, tax, shipping and total.

Money is always ``Decimal``; every rounding goes to whole cents with ROUND_HALF_UP
(0.005 becomes 0.01). README.md is the specification.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DEFAULT_TAX_RATE = Decimal("0.10")
FREE_SHIPPING_THRESHOLD = Decimal("50.00")
SHIPPING_FEE = Decimal("4.99")


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Item:
    sku: str
    unit_price: Decimal
    quantity: int = 1


@dataclass(frozen=True)
class Coupon:
    code: str
    kind: str  # "percent" or "fixed"
    value: Decimal
    minimum_subtotal: Decimal = ZERO
    expires_on: date | None = None  # last day the coupon can be used; None: never expires

    def __post_init__(self) -> None:
        if self.kind not in ("percent", "fixed"):
            raise ValueError(f"unknown coupon kind: {self.kind!r}")
        if self.kind == "percent" and not Decimal("0") < self.value <= Decimal("100"):
            raise ValueError("a percent coupon must be more than 0 and at most 100")
        if self.kind == "fixed" and self.value <= 0:
            raise ValueError("a fixed coupon must be worth more than 0")


@dataclass(frozen=True)
class Breakdown:
    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    shipping: Decimal
    total: Decimal


def subtotal(items: list[Item]) -> Decimal:
    total = ZERO
    for item in items:
        if item.quantity < 1:
            raise ValueError(f"quantity of {item.sku} must be at least 1")
        if item.unit_price < 0:
            raise ValueError(f"price of {item.sku} must not be negative")
        total += item.unit_price * item.quantity
    return to_cents(total)


def coupon_applies(coupon: Coupon, amount: Decimal, today: date) -> bool:
    if coupon.expires_on is not None and today > coupon.expires_on:
        return False
    return amount >= coupon.minimum_subtotal


def discount(amount: Decimal, coupon: Coupon | None, today: date) -> Decimal:
    if coupon is None or not coupon_applies(coupon, amount, today):
        return ZERO
    if coupon.kind == "percent":
        return to_cents(amount * coupon.value / 100)
    return min(coupon.value, amount)


def tax(amount: Decimal, rate: Decimal = DEFAULT_TAX_RATE) -> Decimal:
    return to_cents(amount * rate)


def shipping(amount: Decimal) -> Decimal:
    if amount >= FREE_SHIPPING_THRESHOLD:
        return ZERO
    return SHIPPING_FEE


def price_cart(
    items: list[Item],
    coupon: Coupon | None = None,
    today: date | None = None,
    tax_rate: Decimal = DEFAULT_TAX_RATE,
) -> Breakdown:
    if not items:
        return Breakdown(ZERO, ZERO, ZERO, ZERO, ZERO)
    today = today or date.today()
    sub = subtotal(items)
    off = discount(sub, coupon, today)
    goods = sub - off
    tax_due = tax(goods, tax_rate)
    ship = shipping(goods)
    return Breakdown(sub, off, tax_due, ship, goods + tax_due + ship)
