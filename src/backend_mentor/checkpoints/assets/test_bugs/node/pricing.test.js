// Tests for pricing.js. Add your own: one behaviour per test, named after that behaviour.
const test = require('node:test');
const assert = require('node:assert/strict');

const { item, priceCart } = require('./pricing.js');

test('a single item without coupon pays tax and shipping', () => {
  const result = priceCart([item('BOOK-1', 2000)], { today: '2024-06-01' });

  assert.deepEqual(result, { subtotal: 2000, discount: 0, tax: 200, shipping: 499, total: 2699 });
});
