-- Grain state of the group-commit storage provider (PostgresGroupCommitGrainStorage): one row per grain and state
-- name. Every write names the version it read and bumps it; a write naming another version changes nothing, so a
-- stale activation never overwrites. Many grains' writes share one transaction (one WAL flush), each row still
-- checked on its own.

CREATE TABLE IF NOT EXISTS ticketing_grain_state (
    service_id  text    NOT NULL,
    grain_id    text    NOT NULL,
    state_name  text    NOT NULL,
    version     integer NOT NULL,
    -- NULL after a clear: the row stays so that its version keeps counting.
    payload     bytea,
    modified_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_id, state_name)
) WITH (fillfactor = 80);  -- room on each page for updated rows (HOT updates: no index write per state change)
