-- The optimize-queries database in PostgreSQL: 20,000 customers and 200,000 orders, no secondary
-- indexes, the same rows as build_db.sql builds in SQLite (arithmetic on the row number).
-- Usage: psql -d learning -f bigshop.sql   (a few seconds)

CREATE TABLE customers (
    id         INTEGER PRIMARY KEY,
    email      TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    country    TEXT NOT NULL,
    created_at DATE NOT NULL
);

CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    status      TEXT NOT NULL,
    channel     TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    total_cents INTEGER NOT NULL,
    payment_ref TEXT NOT NULL
);

INSERT INTO customers (id, email, name, country, created_at)
SELECT i,
       'customer' || lpad(i::text, 5, '0') || '@example.com',
       'Customer ' || i,
       substr('PTDEFRESITNLPLSE', 1 + 2 * ((i * 7) % 8), 2),
       DATE '2022-01-01' + (((i::bigint * 48271) % 2147483647) % 500)::int
FROM generate_series(1, 20000) AS n(i);

INSERT INTO orders (id, customer_id, status, channel, created_at, total_cents, payment_ref)
SELECT i,
       1 + c,
       CASE WHEN a < 70 THEN 'delivered' WHEN a < 80 THEN 'shipped' WHEN a < 88 THEN 'pending'
            WHEN a < 95 THEN 'cancelled' WHEN a < 99 THEN 'refunded' ELSE 'disputed' END,
       CASE WHEN b < 6 THEN 'web' WHEN b < 9 THEN 'mobile' ELSE 'partner' END,
       TIMESTAMP '2023-06-01' + make_interval(secs => i * 150 + d),
       500 + e,
       'PAY-' || lpad(((i::bigint * 7919) % 1000003)::text, 7, '0')
FROM (
    SELECT i,
           ((i::bigint * 48271) % 2147483647) % 100 AS a,
           ((i::bigint * 69621) % 2147483647) % 10 AS b,
           ((i::bigint * 16807) % 2147483647) % 20000 AS c,
           ((i::bigint * 39373) % 2147483647) % 150 AS d,
           ((i::bigint * 40692) % 2147483647) % 49500 AS e
    FROM generate_series(1, 200000) AS n(i)
) AS h;

ANALYZE customers;
ANALYZE orders;
