-- The Orleans stream provider over the integration event log (EventLogStreams): each row names the ticketing event
-- it belongs to, the key of the stream it travels on. Rows recorded before this column existed keep NULL and stay
-- in the feed, webhooks and projections, but no stream carries them. Each stream queue's reader keeps its
-- checkpoint in ticketing_event_consumers (consumer "stream/<provider>/<queue>").
ALTER TABLE ticketing_events ADD COLUMN IF NOT EXISTS event_id uuid;

-- Cheaper rows on the hold path, where every booking transition inserts one: the payload is kept as the JSON text the
-- grain wrote (json: checked, not re-encoded as jsonb on the way in and back to text for every reader; nothing queries
-- inside it), and the index on (aggregate_id, sequence), which no reader uses, goes.
DROP INDEX IF EXISTS ticketing_events_aggregate;
ALTER TABLE ticketing_events ALTER COLUMN payload TYPE json USING payload::json;
