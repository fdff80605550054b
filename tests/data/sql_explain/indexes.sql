-- Reference indexes for optimize-queries.
CREATE UNIQUE INDEX orders_payment_ref ON orders (payment_ref);
CREATE INDEX orders_created_at ON orders (created_at);
CREATE INDEX orders_customer_id ON orders (customer_id, created_at);
CREATE INDEX orders_channel_status ON orders (channel, status);
