-- The simulated payment provider's ledger (PostgresPaymentLedger): one row per idempotency key, the provider's first
-- answer to it. Shared by every silo, so a retry anywhere finds the first answer and a refund finds its charge.

CREATE TABLE IF NOT EXISTS ticketing_simulated_payments (
    idempotency_key text        PRIMARY KEY,
    kind            text        NOT NULL CHECK (kind IN ('charge', 'refund')),
    approved        boolean     NOT NULL,
    -- The provider's reference of an approved charge or refund; NULL for a decline.
    reference       text        UNIQUE,
    decline_code    text,
    -- The test token of a charge (it decides how its refunds behave); NULL for refunds.
    payment_token   text,
    amount          numeric     NOT NULL,
    currency        text        NOT NULL,
    created_at      timestamptz NOT NULL
);
