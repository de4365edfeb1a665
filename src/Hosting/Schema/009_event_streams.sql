-- The Orleans stream provider over the integration event log (EventLogStreams): each row names the ticketing event
-- it belongs to, the key of the stream it travels on. Rows recorded before this column existed keep NULL and stay
-- in the feed, webhooks and projections, but no stream carries them. Each stream queue's reader keeps its
-- checkpoint in ticketing_event_consumers (consumer "stream/<provider>/<queue>").
ALTER TABLE ticketing_events ADD COLUMN IF NOT EXISTS event_id uuid;
