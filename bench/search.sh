#!/usr/bin/env bash
# Event search on PostgreSQL with 100,000 events: fills ticketing_event_search (migrations 008 to 011) in a fresh
# database with generated events (names, descriptions and venues from small vocabularies, 10% drafts, start times
# over a year), then runs the statements PostgresEventSearchIndex sends for a public search (the page and the capped
# count, one pgbench transaction), with pgbench, and prints the latency percentiles per kind of search. SQL-level: the
# API adds its HTTP and JSON on top (well under a millisecond).
#   ConnectionStrings__Ticketing=... bench/search.sh [SECONDS] [CLIENTS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-20}
clients=${2:-2}
: "${ConnectionStrings__Ticketing:?set ConnectionStrings__Ticketing to a PostgreSQL server}"
database="ticketing_search_$$"
psql_cs=$(printf '%s' "$ConnectionStrings__Ticketing" | sed -E 's/Host=/host=/I; s/Username=/user=/I; s/Password=/password=/I; s/Port=/port=/I; s/;/ /g')
work=$(mktemp -d)
trap 'rm -rf "$work"; psql "$psql_cs dbname=postgres" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
psql "$psql_cs dbname=postgres" -qc "CREATE DATABASE $database" >/dev/null
for migration in 008_integration_events 010_event_search_fields 011_event_search_terms; do
  psql "$psql_cs dbname=$database" -q -v ON_ERROR_STOP=1 -f "$root/src/Hosting/Schema/$migration.sql" >/dev/null
done

adjectives="ARRAY['red','blue','green','golden','silver','wild','quiet','loud','electric','acoustic','midnight','summer','winter','spring','autumn','grand','little','royal','urban','open','secret','late','early','happy','dark','bright','velvet','neon','cosmic','classic','modern','tiny','giant','rising','falling','hidden','lucky','brave','gentle','sonic']"
nouns="ARRAY['night','festival','concert','show','party','session','gala','tour','evening','jam','opera','ballet','circus','parade','market','fair','rally','revue','recital','cabaret','symphony','choir','band','orchestra','quartet','trio','duo','soloist','legends','stars','heroes','dreams','waves','lights','echoes','voices','rhythms','beats','strings','horns']"
genres="ARRAY['jazz','rock','folk','blues','pop','soul','funk','techno','house','classical','reggae','metal','punk','country','gospel','hiphop','salsa','tango','swing','ambient']"
venues="ARRAY['Arena','Hall','Stadium','Theatre','Club','Park','Garden','Dome','Pavilion','Cellar','Barn','Warehouse','Chapel','Harbour','Plaza','Forum','Palace','Lounge','Studio','Terrace','Gallery','Church','Castle','Pier','Square','Court','Loft','Opera House','Cinema','Ballroom']"
psql "$psql_cs dbname=$database" -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
INSERT INTO ticketing_event_search (event_id, name, description, venue, starts_at, status, owner_id, created_at, listed, sequence)
SELECT gen_random_uuid(),
       initcap(($adjectives)[1 + (i * 7) % 40]) || ' ' || initcap(($nouns)[1 + (i * 13) % 40]) || ' ' || i,
       'An evening of ' || ($genres)[1 + (i * 3) % 20] || ' and ' || ($genres)[1 + (i * 11) % 20] || ' with ' || ($adjectives)[1 + (i * 17) % 40] || ' ' || ($nouns)[1 + (i * 19) % 40],
       (ARRAY['North','South','East','West','Central'])[1 + i % 5] || ' ' || ($venues)[1 + (i * 23) % 30],
       timestamptz '2027-01-01' + (i % 365) * interval '1 day' + (i % 24) * interval '1 hour',
       -- Drafts: blocks of 40, so that every word has its 10% of drafts (i % 10 = 0 made every event named "Night",
       -- "Opera", "Heroes" or "Symphony" a draft, which no catalogue looks like).
       CASE WHEN (i / 40) % 10 = 3 THEN 'Draft' ELSE 'OnSale' END,
       'organizer' || (i % 200), now(), i, 2
FROM generate_series(1, 100000) AS i;
VACUUM ANALYZE ticketing_event_search;
VACUUM ANALYZE ticketing_event_search_terms;
SQL

# The statements of PostgresEventSearchIndex.BuildSearch for an anonymous caller, first page of 20 (21 asked), as
# SearchAsync sends them: the matches ranked with ts_rank, counted and paged (one word: up to 1,001 of them), which is
# the answer if that is all of them; else the page from the word's kept ranks (ticketing_event_search_terms, the
# trigger of migration 011 filled it as the rows went in). $1 the words, $2 the filters, with @ for the table.
query() {
  local words="websearch_to_tsquery('simple', $1)" filters="$2"
  local columns="s.event_id, s.name, s.venue, s.starts_at, s.status, s.created_at, s.owner_id"
  local ranked_up_to="(CASE WHEN numnode($words) > 1 THEN NULL ELSE 1000 END)"
  echo "WITH matches AS MATERIALIZED (SELECT s.event_id, s.starts_at, ts_rank(s.document, $words) AS rank FROM ticketing_event_search s WHERE s.document @@ $words${filters//@/s} AND s.status <> 'Draft' LIMIT $ranked_up_to + 1) SELECT $columns, page.rank, counted.count, coalesce($ranked_up_to, counted.count)::bigint AS ranked_up_to FROM (SELECT count(*) FROM matches) AS counted LEFT JOIN LATERAL (SELECT * FROM matches WHERE TRUE ORDER BY rank DESC, starts_at, event_id LIMIT 21) AS page ON TRUE LEFT JOIN ticketing_event_search s ON s.event_id = page.event_id ORDER BY page.rank DESC, page.starts_at, page.event_id \\aset"
  echo '\if :count > :ranked_up_to'
  echo "SELECT $columns, -t.rank_key AS rank FROM ticketing_event_search_terms t JOIN ticketing_event_search s ON s.event_id = t.event_id WHERE t.term = (SELECT (tsvector_to_array($words::text::tsvector))[1])${filters//@/t} AND t.draft_owner IS NULL ORDER BY t.rank_key, t.starts_at, t.event_id LIMIT 21;"
  echo '\endif'
}
{ echo '\set w random(1, 40)'; query "($nouns)[:w]" ""; } >"$work/one-word.sql"
{ echo '\set w random(1, 40)'; echo '\set v random(1, 40)'; query "($adjectives)[:v] || ' ' || ($nouns)[:w]" ""; } >"$work/two-words.sql"
{ echo '\set g random(1, 20)'; echo '\set d random(0, 330)'; query "($genres)[:g]" " AND @.starts_at >= timestamptz '2027-01-01' + :d * interval '1 day' AND @.starts_at < timestamptz '2027-01-01' + (:d + 30) * interval '1 day'"; } >"$work/genre-in-a-month.sql"

echo "100,000 events; $clients clients; ${seconds}s per kind; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for kind in one-word two-words genre-in-a-month; do
  (cd "$work" && pgbench "$psql_cs dbname=$database" -n -c "$clients" -j "$clients" -T "$seconds" -l --log-prefix="$kind" -f "$work/$kind.sql" >/dev/null 2>&1)
  cat "$work/$kind".* | awk '{ print $3 / 1000 }' | sort -n | awk -v k="$kind" '{ a[NR] = $1 } END {
    printf "{\"search\":\"%s\",\"queries\":%d,\"p50Ms\":%.2f,\"p95Ms\":%.2f,\"p99Ms\":%.2f,\"maxMs\":%.2f}\n", k, NR, a[int(NR*0.5)], a[int(NR*0.95)], a[int(NR*0.99)], a[NR] }'
done
