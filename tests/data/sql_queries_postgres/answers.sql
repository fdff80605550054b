-- Reference answers for complex-sql-joins in PostgreSQL (dates are DATE, money NUMERIC).

-- name: q1
SELECT orders.id AS order_id, customers.email
FROM customers INNER JOIN orders ON orders.customer_id = customers.id
WHERE orders.status = 'shipped'
ORDER BY customers.email;

-- name: q2
SELECT p.name AS product_name, c.name AS category_name, i.quantity, ROUND(i.quantity * i.unit_price, 2) AS line_total
FROM order_items AS i
JOIN products AS p ON p.id = i.product_id
LEFT JOIN categories AS c ON c.id = p.category_id
WHERE i.order_id = 12
ORDER BY product_name;

-- name: q3
SELECT id, email FROM customers c
WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)
ORDER BY id;

-- name: q4
SELECT c.id, c.first_name, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS n
FROM customers c
ORDER BY n DESC, c.id;

-- name: q5
SELECT id, name FROM products WHERE id NOT IN (SELECT product_id FROM order_items);

-- name: q6
SELECT e.name AS employee_name, boss.name AS manager_name
FROM employees e LEFT OUTER JOIN employees boss ON e.manager_id = boss.id
ORDER BY 1;

-- name: q7
SELECT e.name, e.salary, m.name, m.salary
FROM employees e, employees m
WHERE m.id = e.manager_id AND e.salary > m.salary;

-- name: q8
SELECT c.name, ROUND(SUM(i.quantity * i.unit_price), 2) AS revenue
FROM categories c
JOIN products p ON p.category_id = c.id
JOIN order_items i ON i.product_id = p.id
JOIN orders o ON o.id = i.order_id AND o.status != 'cancelled'
GROUP BY c.name
ORDER BY revenue DESC;

-- name: q9
WITH kept AS (SELECT id, customer_id FROM orders WHERE status <> 'cancelled'),
     totals AS (SELECT k.customer_id, k.id, SUM(i.quantity * i.unit_price) AS total
                FROM kept k JOIN order_items i ON i.order_id = k.id GROUP BY k.customer_id, k.id)
SELECT customer_id, COUNT(*), ROUND(SUM(total), 2) FROM totals GROUP BY customer_id HAVING COUNT(*) >= 5;

-- name: q10
SELECT COALESCE(city, 'unknown') AS city, COUNT(id) AS customer_count
FROM customers GROUP BY 1 ORDER BY 2 DESC, 1;

-- name: q11
WITH averages AS (SELECT category_id, AVG(price) AS avg_price FROM products GROUP BY category_id)
SELECT p.name, c.name, p.price
FROM products p
JOIN averages a ON a.category_id = p.category_id
JOIN categories c ON c.id = p.category_id
WHERE p.price > a.avg_price
ORDER BY p.name;

-- name: q12
SELECT to_char(o.order_date, 'YYYY-MM') AS month, COUNT(DISTINCT o.id), SUM(i.quantity * i.unit_price)
FROM orders o JOIN order_items i ON i.order_id = o.id
WHERE o.status <> 'cancelled' AND o.order_date >= DATE '2024-01-01' AND o.order_date < DATE '2025-01-01'
GROUP BY month ORDER BY month;

-- name: q13
SELECT c.name, p.name, p.price, RANK() OVER w AS price_rank
FROM products p JOIN categories c ON c.id = p.category_id
WINDOW w AS (PARTITION BY c.name ORDER BY p.price DESC)
ORDER BY c.name, price_rank, p.name;

-- name: q14
SELECT o.id, o.order_date, SUM(i.quantity * i.unit_price) AS order_total,
       SUM(SUM(i.quantity * i.unit_price)) OVER (ORDER BY o.order_date, o.id ROWS UNBOUNDED PRECEDING)
FROM orders o JOIN order_items i ON i.order_id = o.id
WHERE o.customer_id = 3 AND o.status <> 'cancelled'
GROUP BY o.id, o.order_date
ORDER BY o.order_date, o.id;

-- name: q15
SELECT o.customer_id, o.id, o.order_date
FROM orders o
WHERE NOT EXISTS (
  SELECT 1 FROM orders later
  WHERE later.customer_id = o.customer_id
    AND (later.order_date > o.order_date OR (later.order_date = o.order_date AND later.id > o.id))
);
