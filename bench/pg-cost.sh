#!/usr/bin/env bash
# What one hold costs PostgreSQL: runs the best-available scenario (book 2 seats, release) against the API on a fresh
# database, then prints per book-and-release the commits, row writes and row reads PostgreSQL counted for it
# (pg_stat_database and pg_stat_user_tables, read before and after the measured run). Rows fetched include the rows
# each UPDATE finds through its index.
#   ConnectionStrings__Ticketing=... bench/pg-cost.sh [GrainStorage] [DURATION]   GrainStorage: GroupCommit (default) | AdoNet
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The API checks tokens with this key and the load generator signs its customers' tokens with it.
export Jwt__SigningKey=${Jwt__SigningKey:-$(head -c 48 /dev/urandom | base64 | tr -d '\n')}
storage=${1:-GroupCommit}
duration=${2:-10s}
: "${ConnectionStrings__Ticketing:?set ConnectionStrings__Ticketing to a PostgreSQL server}"
database="ticketing_cost_$$"
# A bounded pool leaves PostgreSQL (100 connections by default) room for the counters' own connection.
cs="$ConnectionStrings__Ticketing;Database=$database;Maximum Pool Size=40"
port=${COST_PORT:-18095}
psql_cs=$(printf '%s' "$ConnectionStrings__Ticketing" | sed -E 's/Host=/host=/I; s/Username=/user=/I; s/Password=/password=/I; s/Port=/port=/I; s/;/ /g')
sql() { PGCONNECT_TIMEOUT=5 psql "$psql_cs dbname=$database" -qtAc "$1"; }
dotnet build "$root/src/Api" -c Release -v quiet -nologo >/dev/null
dotnet build "$root/bench/Ticketing.LoadTest" -c Release -v quiet -nologo >/dev/null
(cd "$root/src/Api/bin/Release/net10.0" && ConnectionStrings__Ticketing="$cs" exec dotnet Ticketing.Api.dll \
  --urls "http://127.0.0.1:$port" --Orleans:GrainStorage="$storage") >/dev/null 2>&1 &
api=$!
trap 'kill -TERM "$api" 2>/dev/null; wait "$api" 2>/dev/null || true; psql "$psql_cs dbname=postgres" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 90); do curl -sf "http://127.0.0.1:$port/api/ping" >/dev/null && break; sleep 1; done
load="$root/bench/Ticketing.LoadTest/bin/Release/net10.0/Ticketing.LoadTest.dll"
# Warm up and create the event, then measure on that event alone.
event=$(dotnet "$load" --url "http://127.0.0.1:$port" --scenario best-available --duration 3s --warmup 1s | head -n 1 | sed -E 's/.*event ([0-9a-f-]+).*/\1/')
counters() {
  sleep 1.5  # statistics reach the shared counters when a backend is idle or after a second
  sql "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()),
              (SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables),
              (SELECT coalesce(sum(coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0)), 0) FROM pg_stat_user_tables)"
}
# The group-commit provider's own counters (absent with AdoNet, where every statement is a round trip of its own).
batches() { curl -s "http://127.0.0.1:$port/metrics" | awk -v k="$1" '$0 ~ "^ticketing_storage_batches_total\\{.*kind=\"" k "\"" { s += $NF } END { print s + 0 }'; }
IFS='|' read -r c0 w0 r0 <<<"$(counters)"
wb0=$(batches write); rb0=$(batches read)
line=$(dotnet "$load" --url "http://127.0.0.1:$port" --event "$event" --scenario best-available --duration "$duration" --warmup 0s | tail -n 1)
wb1=$(batches write); rb1=$(batches read)
IFS='|' read -r c1 w1 r1 <<<"$(counters)"
echo "$line"
iterations=$(printf '%s' "$line" | sed -E 's/.*"requests":([0-9]+).*/\1/')
# Round trips: with group commit, a write batch is two (the batch, with BEGIN in front, then COMMIT) and a read batch
# one; with AdoNet each statement is one, and runs as a transaction of its own, so they are the commits.
awk -v s="$storage" -v n="$((iterations / 2))" -v c="$((c1 - c0))" -v w="$((w1 - w0))" -v r="$((r1 - r0))" \
  -v wb="$((wb1 - wb0))" -v rb="$((rb1 - rb0))" 'BEGIN {
  trips = (wb + rb > 0) ? 2 * wb + rb : c
  printf "{\"grainStorage\":\"%s\",\"bookAndRelease\":%d,\"roundTripsPerBookAndRelease\":%.2f,\"commitsPerBookAndRelease\":%.2f,\"rowWritesPerBookAndRelease\":%.2f,\"rowsFetchedPerBookAndRelease\":%.2f}\n", s, n, trips / n, c / n, w / n, r / n }'
