// The thorough suite again, for Vitest (ESM imports): it catches every seeded bug.
import { test, expect } from 'vitest';
import { item, coupon, priceCart } from './pricing.js';

const DAY = '2024-06-01';
const price = (items, opts = {}) => priceCart(items, { today: DAY, ...opts });

test('example from the specification', () => {
  expect(price([item('B', 2000, 2)], { coupon: coupon('TEN', 'percent', 10) }))
    .toEqual({ subtotal: 4000, discount: 400, tax: 360, shipping: 499, total: 4459 });
});
test('free shipping at exactly the threshold', () => expect(price([item('A', 5000)]).shipping).toBe(0));
test('coupon works on its last day', () =>
  expect(price([item('A', 1000)], { coupon: coupon('X', 'fixed', 100, { expiresOn: DAY }) }).discount).toBe(100));
test('coupon without expiry applies', () =>
  expect(price([item('A', 1000)], { coupon: coupon('X', 'fixed', 100) }).discount).toBe(100));
test('coupon at exactly its minimum applies', () =>
  expect(price([item('A', 1000)], { coupon: coupon('X', 'fixed', 100, { minimumSubtotal: 1000 }) }).discount).toBe(100));
test('percent discount of half a cent rounds up', () =>
  expect(price([item('A', 1005)], { coupon: coupon('X', 'percent', 10) }).discount).toBe(101));
test('tax of half a cent rounds up', () => expect(price([item('A', 1005)]).tax).toBe(101));
test('tax is computed after the discount', () =>
  expect(price([item('A', 3000)], { coupon: coupon('X', 'fixed', 1000) }).tax).toBe(200));
test('shipping is not taxed', () => expect(price([item('A', 1000)]).tax).toBe(100));
test('free shipping is judged after the coupon', () =>
  expect(price([item('A', 5500)], { coupon: coupon('X', 'fixed', 1000) }).shipping).toBe(499));
test('fixed coupon never makes the cart negative', () =>
  expect(price([item('A', 1000)], { coupon: coupon('X', 'fixed', 5000) }).discount).toBe(1000));
test('a 100 percent coupon is valid', () => expect(() => coupon('X', 'percent', 100)).not.toThrow());
test('quantities multiply', () => expect(price([item('A', 300, 3)]).subtotal).toBe(900));
test('zero quantity is refused', () => expect(() => price([item('A', 300, 0)])).toThrow(RangeError));
test('empty cart is zero everywhere', () =>
  expect(price([])).toEqual({ subtotal: 0, discount: 0, tax: 0, shipping: 0, total: 0 }));
test('very large quantities are priced exactly', () =>
  expect(price([item('A', 1234567, 1000000)]).subtotal).toBe(1234567000000));
test('very high prices are accepted', () => expect(price([item('A', 99999999)]).subtotal).toBe(99999999));
