-- Event search ranks with ts_rank again (replacing migration 010's field tiers). ts_rank can only be computed by
-- visiting each match, so a broad single word (one in every tenth event, or every event) would rank them all before
-- its first page. For one word, ts_rank depends only on that word's positions and weights in the document (the
-- default normalization ignores the document's length), so it is computed once per (word, event) when the event
-- changes and kept here, in the order a search reads: best first, then soonest. A one-word search reads its page from
-- ticketing_event_search_terms_order and stops; a search of several words ranks its matches (ts_rank needs their
-- positions together).
ALTER TABLE ticketing_event_search
    DROP COLUMN IF EXISTS name_doc,
    DROP COLUMN IF EXISTS venue_doc,
    DROP COLUMN IF EXISTS description_doc;

-- rank_key is -ts_rank(document, term), so that one ascending key (rank_key, starts_at, event_id) pages best first.
-- draft_owner is null for an event the public sees; for a draft, its owner ('' if none): who else may see it.
CREATE TABLE IF NOT EXISTS ticketing_event_search_terms (
    term text NOT NULL,
    event_id uuid NOT NULL,
    rank_key real NOT NULL,
    starts_at timestamptz NOT NULL,
    draft_owner text
);

CREATE INDEX IF NOT EXISTS ticketing_event_search_terms_order
    ON ticketing_event_search_terms (term, rank_key, starts_at, event_id) INCLUDE (draft_owner);
CREATE INDEX IF NOT EXISTS ticketing_event_search_terms_event ON ticketing_event_search_terms (event_id);

-- The terms of the events a statement wrote, derived from their rows by the database itself, so they cannot drift from
-- the row (the projection's upsert fires it; an upsert skipped as stale writes no row and changes nothing). One term's
-- tsquery is the lexeme quoted as tsquery input wants it ('' for a quote, \\ for a backslash), not re-parsed.
CREATE OR REPLACE FUNCTION ticketing_event_search_index_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- An array, so that the planner goes through ticketing_event_search_terms_event whatever it guesses of "changed".
    DELETE FROM ticketing_event_search_terms WHERE event_id = ANY (ARRAY(SELECT event_id FROM changed));
    INSERT INTO ticketing_event_search_terms (term, event_id, rank_key, starts_at, draft_owner)
    SELECT u.lexeme, c.event_id,
           -ts_rank(c.document, ('''' || replace(replace(u.lexeme, '\', '\\'), '''', '''''') || '''')::tsquery),
           c.starts_at, CASE WHEN c.status = 'Draft' THEN coalesce(c.owner_id, '') END
    FROM changed c, unnest(c.document) AS u;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS ticketing_event_search_inserted ON ticketing_event_search;
CREATE TRIGGER ticketing_event_search_inserted AFTER INSERT ON ticketing_event_search
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ticketing_event_search_index_terms();
DROP TRIGGER IF EXISTS ticketing_event_search_updated ON ticketing_event_search;
CREATE TRIGGER ticketing_event_search_updated AFTER UPDATE ON ticketing_event_search
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ticketing_event_search_index_terms();

-- Terms of the events already projected (a no-op update fires the trigger once for all of them).
UPDATE ticketing_event_search SET sequence = sequence;
