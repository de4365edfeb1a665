-- Integration events (the outbox's destination) and the event search projection fed from them.
--
-- ticketing_events: every recorded integration event once (id is fixed when the grain appends it, so a retried
-- recording is skipped). Consumers read in (tx, position) order: tx is the inserting transaction's id, and a reader
-- serves only rows of transactions older than every transaction still running, so rows that commit out of position
-- order are never passed over (see PostgresIntegrationEventLog).
CREATE TABLE IF NOT EXISTS ticketing_events (
    id           uuid        PRIMARY KEY,
    position     bigint      GENERATED ALWAYS AS IDENTITY,
    tx           bigint      NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    type         text        NOT NULL,
    aggregate_id text        NOT NULL,
    sequence     bigint      NOT NULL,
    occurred_at  timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    payload      jsonb       NOT NULL
);

CREATE INDEX IF NOT EXISTS ticketing_events_order ON ticketing_events (tx, position);
CREATE INDEX IF NOT EXISTS ticketing_events_aggregate ON ticketing_events (aggregate_id, sequence);

-- Where each consumer of the log (the search projection, ...) has got to: it resumes from here after a restart.
CREATE TABLE IF NOT EXISTS ticketing_event_consumers (
    consumer   text        PRIMARY KEY,
    tx         bigint      NOT NULL,
    position   bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Event search: one row per event, the latest state the log told (an update with an older sequence is ignored, so
-- replays are harmless). Words of the name weigh most, then the venue, then the description ('simple' dictionary:
-- no stemming, any language).
CREATE TABLE IF NOT EXISTS ticketing_event_search (
    event_id    uuid        PRIMARY KEY,
    name        text        NOT NULL,
    description text,
    venue       text        NOT NULL,
    starts_at   timestamptz NOT NULL,
    status      text        NOT NULL,
    owner_id    text,
    created_at  timestamptz NOT NULL,
    -- The log position of the first event applied: the order events are listed in without a query.
    listed      bigint      NOT NULL,
    sequence    bigint      NOT NULL,
    document    tsvector    GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', name), 'A') ||
        setweight(to_tsvector('simple', venue), 'B') ||
        setweight(to_tsvector('simple', coalesce(description, '')), 'C')) STORED
);

CREATE INDEX IF NOT EXISTS ticketing_event_search_document ON ticketing_event_search USING gin (document);
CREATE INDEX IF NOT EXISTS ticketing_event_search_starts ON ticketing_event_search (starts_at, event_id);
CREATE INDEX IF NOT EXISTS ticketing_event_search_listed ON ticketing_event_search (listed);

-- Buyer emails (BookingNotifier): one row per integration event whose message was claimed. Whoever inserts the row
-- sends the message, so it is never sent twice; 'sending' left behind by a crash is not retried (at most once).
CREATE TABLE IF NOT EXISTS ticketing_notifications (
    event_id     uuid        PRIMARY KEY,
    status       text        NOT NULL,
    error        text,
    claimed_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz
);
