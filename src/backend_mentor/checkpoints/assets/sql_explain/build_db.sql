-- The optimize-queries database: 20,000 customers and 200,000 orders, no secondary indexes.
-- Deterministic: values come from arithmetic on the row number, so every run builds the same rows.
-- Usage: sqlite3 bigshop.db < build_db.sql   (takes a second or two)

CREATE TABLE customers (
    id         INTEGER PRIMARY KEY,
    email      TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    country    TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    status      TEXT NOT NULL,     -- delivered 70%, shipped 10%, pending 8%, cancelled 7%, refunded 4%, disputed 1%
    channel     TEXT NOT NULL,     -- web 60%, mobile 30%, partner 10%
    created_at  TEXT NOT NULL,     -- 'YYYY-MM-DD HH:MM:SS', one order every ~2.5 minutes
    total_cents INTEGER NOT NULL,
    payment_ref TEXT NOT NULL      -- the payment provider's reference, unique per order
);

BEGIN;

INSERT INTO customers (id, email, name, country, created_at)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
SELECT i,
       printf('customer%05d@example.com', i),
       'Customer ' || i,
       substr('PTDEFRESITNLPLSE', 1 + 2 * ((i * 7) % 8), 2),
       date('2022-01-01', '+' || (((i * 48271) % 2147483647) % 500) || ' days')
FROM n;

INSERT INTO orders (id, customer_id, status, channel, created_at, total_cents, payment_ref)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000),
h(i, a, b, c, d, e) AS (
    SELECT i,
           ((i * 48271) % 2147483647) % 100,
           ((i * 69621) % 2147483647) % 10,
           ((i * 16807) % 2147483647) % 20000,
           ((i * 39373) % 2147483647) % 150,
           ((i * 40692) % 2147483647) % 49500
    FROM n
)
SELECT i,
       1 + c,
       CASE WHEN a < 70 THEN 'delivered' WHEN a < 80 THEN 'shipped' WHEN a < 88 THEN 'pending'
            WHEN a < 95 THEN 'cancelled' WHEN a < 99 THEN 'refunded' ELSE 'disputed' END,
       CASE WHEN b < 6 THEN 'web' WHEN b < 9 THEN 'mobile' ELSE 'partner' END,
       datetime('2023-06-01', '+' || (i * 150 + d) || ' seconds'),
       500 + e,
       printf('PAY-%07d', (i * 7919) % 1000003)
FROM h;

COMMIT;
