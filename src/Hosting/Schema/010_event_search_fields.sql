-- Event search ranks by the fields that hold the whole query (name, venue, description) instead of ts_rank over every
-- match: one tsvector per field under its own GIN index, so that each rank tier is found through an index and a broad
-- tier can be read in start-time order (ticketing_event_search_starts) up to the page, without ranking every match.
ALTER TABLE ticketing_event_search
    ADD COLUMN IF NOT EXISTS name_doc tsvector GENERATED ALWAYS AS (to_tsvector('simple', name)) STORED,
    ADD COLUMN IF NOT EXISTS venue_doc tsvector GENERATED ALWAYS AS (to_tsvector('simple', venue)) STORED,
    ADD COLUMN IF NOT EXISTS description_doc tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(description, ''))) STORED;

CREATE INDEX IF NOT EXISTS ticketing_event_search_name ON ticketing_event_search USING gin (name_doc);
CREATE INDEX IF NOT EXISTS ticketing_event_search_venue ON ticketing_event_search USING gin (venue_doc);
CREATE INDEX IF NOT EXISTS ticketing_event_search_description ON ticketing_event_search USING gin (description_doc);
