#!/usr/bin/env bash
# What PostgreSQL executes for one iteration of a load scenario (a purchase: book, pay, cancel with refund; a
# book-and-release for the hold scenarios): runs the scenario against the API (Release build) on a fresh database and
# prints each statement's calls and execution time per iteration, from pg_stat_statements, reset after the warm-up.
# Needs the pg_stat_statements module loaded (a restart of PostgreSQL; the script says how when it is not).
#   ConnectionStrings__Ticketing=... bench/pg-statements.sh [SCENARIO] [DURATION] [WARMUP]   e.g. purchase 15s 20s
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export Jwt__SigningKey=${Jwt__SigningKey:-$(head -c 48 /dev/urandom | base64 | tr -d '\n')}
scenario=${1:-purchase}; duration=${2:-15s}; warmup=${3:-20s}
: "${ConnectionStrings__Ticketing:?set ConnectionStrings__Ticketing to a PostgreSQL server}"
database="ticketing_statements_$$"
port=${STATEMENTS_PORT:-18096}
psql_cs=$(printf '%s' "$ConnectionStrings__Ticketing" | sed -E 's/Host=/host=/I; s/Username=/user=/I; s/Password=/password=/I; s/Port=/port=/I; s/;/ /g')
sql() { psql "$psql_cs dbname=postgres" -qtAc "$1"; }
if [ "$(sql "SELECT count(*) FROM pg_settings WHERE name = 'shared_preload_libraries' AND setting LIKE '%pg_stat_statements%'")" != 1 ]; then
  echo "pg_stat_statements is not loaded: ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'; then restart PostgreSQL" >&2
  exit 2
fi
sql "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
dotnet build "$root/src/Api" -c Release -v quiet -nologo >/dev/null
dotnet build "$root/bench/Ticketing.LoadTest" -c Release -v quiet -nologo >/dev/null
(cd "$root/src/Api/bin/Release/net10.0" && ConnectionStrings__Ticketing="$ConnectionStrings__Ticketing;Database=$database" \
  exec dotnet Ticketing.Api.dll --urls "http://127.0.0.1:$port") >/dev/null 2>&1 &
api=$!
trap 'kill -TERM "$api" 2>/dev/null; wait "$api" 2>/dev/null || true; sql "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 90); do curl -sf "http://127.0.0.1:$port/api/ping" >/dev/null && break; sleep 1; done
load="$root/bench/Ticketing.LoadTest/bin/Release/net10.0/Ticketing.LoadTest.dll"
# Warm up (creating the event), then count the statements of the measured run on that event only.
event=$(dotnet "$load" --url "http://127.0.0.1:$port" --scenario "$scenario" --duration "$warmup" --warmup 0s | head -n 1 | sed -E 's/.*event ([0-9a-f-]+).*/\1/')
sql "SELECT pg_stat_statements_reset()" >/dev/null
line=$(dotnet "$load" --url "http://127.0.0.1:$port" --event "$event" --scenario "$scenario" --duration "$duration" --warmup 0s | tail -n 1)
echo "$line"
# An iteration is three requests for purchase (book, pay, cancel), two for the others (book, release).
per=$([ "$scenario" = purchase ] && echo 3 || echo 2)
iterations=$(( $(printf '%s' "$line" | sed -E 's/.*"requests":([0-9]+).*/\1/') / per ))
dbid=$(sql "SELECT oid FROM pg_database WHERE datname = '$database'")
echo "# per $scenario iteration ($iterations measured): calls, execution ms, statement"
sql "SELECT round(calls::numeric / $iterations, 2) || ' | ' || round(total_exec_time::numeric / $iterations, 3) || ' | ' ||
            left(regexp_replace(query, '\s+', ' ', 'g'), 140)
     FROM pg_stat_statements WHERE dbid = $dbid AND calls >= $iterations / 20 ORDER BY calls DESC"
sql "SELECT '# total: ' || round(sum(calls)::numeric / $iterations, 2) || ' statements, ' || round(sum(total_exec_time)::numeric / $iterations, 2) || ' ms'
     FROM pg_stat_statements WHERE dbid = $dbid"
