'use strict';
// Cart pricing for a small web shop: subtotal, coupon discount, tax, shipping and total.
// Money is always an integer number of cents; every rounding goes to whole cents, half up
// (half a cent becomes a whole cent). README.md is the specification.

const DEFAULT_TAX_RATE_BP = 1000; // basis points: 1000 = 10%
const FREE_SHIPPING_THRESHOLD = 5000;
const SHIPPING_FEE = 499;

// numerator / denominator rounded to the nearest integer, halves up (both non-negative).
function roundHalfUp(numerator, denominator) {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

function item(sku, unitPrice, quantity = 1) {
  return { sku, unitPrice, quantity };
}

function coupon(code, kind, value, { minimumSubtotal = 0, expiresOn = null } = {}) {
  if (kind !== 'percent' && kind !== 'fixed') {
    throw new RangeError(`unknown coupon kind: ${kind}`);
  }
  if (!Number.isInteger(value)) {
    throw new RangeError('a coupon value must be a whole number');
  }
  if (kind === 'percent' && (value <= 0 || value > 100)) {
    throw new RangeError('a percent coupon must be more than 0 and at most 100');
  }
  if (kind === 'fixed' && value <= 0) {
    throw new RangeError('a fixed coupon must be worth more than 0');
  }
  return { code, kind, value, minimumSubtotal, expiresOn };
}

function subtotal(items) {
  let total = 0;
  for (const it of items) {
    if (!Number.isInteger(it.quantity) || it.quantity < 1) {
      throw new RangeError(`quantity of ${it.sku} must be at least 1`);
    }
    if (!Number.isInteger(it.unitPrice) || it.unitPrice < 0) {
      throw new RangeError(`price of ${it.sku} must be a whole number of cents, not negative`);
    }
    total += it.unitPrice * it.quantity;
  }
  return total;
}

// `today` and `expiresOn` are ISO dates ("2024-06-30"), which compare correctly as strings.
function couponApplies(c, amount, today) {
  if (c.expiresOn !== null && today > c.expiresOn) {
    return false;
  }
  return amount >= c.minimumSubtotal;
}

function discount(amount, c, today) {
  if (c === null || !couponApplies(c, amount, today)) {
    return 0;
  }
  if (c.kind === 'percent') {
    return roundHalfUp(amount * c.value, 100);
  }
  return Math.min(c.value, amount);
}

function tax(amount, rateBp = DEFAULT_TAX_RATE_BP) {
  return roundHalfUp(amount * rateBp, 10000);
}

function shipping(amount) {
  if (amount >= FREE_SHIPPING_THRESHOLD) {
    return 0;
  }
  return SHIPPING_FEE;
}

function priceCart(items, { coupon: c = null, today = null, taxRateBp = DEFAULT_TAX_RATE_BP } = {}) {
  if (items.length === 0) {
    return { subtotal: 0, discount: 0, tax: 0, shipping: 0, total: 0 };
  }
  const day = today || new Date().toISOString().slice(0, 10);
  const sub = subtotal(items);
  const off = discount(sub, c, day);
  const goods = sub - off;
  const taxDue = tax(goods, taxRateBp);
  const ship = shipping(goods);
  return { subtotal: sub, discount: off, tax: taxDue, shipping: ship, total: goods + taxDue + ship };
}

module.exports = {
  DEFAULT_TAX_RATE_BP, FREE_SHIPPING_THRESHOLD, SHIPPING_FEE,
  item, coupon, subtotal, discount, tax, shipping, priceCart,
};
