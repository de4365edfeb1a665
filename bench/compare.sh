#!/usr/bin/env bash
# Before/after on PostgreSQL: runs the given scenarios against two builds of the API in alternation (A B A B ...),
# each run on a fresh database, so that both see the same machine in the same window. Prints each run's JSON line
# prefixed with its label, then the median holds/s per build and scenario.
#   ConnectionStrings__Ticketing=... bench/compare.sh BEFORE_CHECKOUT AFTER_CHECKOUT [DURATION] [ROUNDS] [SCENARIO...]
#   e.g. bench/compare.sh /work/wt/before . 15s 2 best-available purchase
# Each checkout must have been built: dotnet build src/Api -c Release (the load generator of AFTER is used for both).
# BENCH_WARMUP (default 5s): each run's unmeasured warm-up; 20s measures both builds warm (see bench/run-all.sh).
set -euo pipefail
export Jwt__SigningKey=${Jwt__SigningKey:-$(head -c 48 /dev/urandom | base64 | tr -d '\n')}
before=$(cd "$1" && pwd); after=$(cd "$2" && pwd)
duration=${3:-15s}; rounds=${4:-2}; shift 4 || shift $#
scenarios=("$@"); [ ${#scenarios[@]} -gt 0 ] || scenarios=(best-available purchase)
: "${ConnectionStrings__Ticketing:?set ConnectionStrings__Ticketing to a PostgreSQL server}"
port=${COMPARE_PORT:-18097}
psql_cs=$(printf '%s' "$ConnectionStrings__Ticketing" | sed -E 's/Host=/host=/I; s/Username=/user=/I; s/Password=/password=/I; s/Port=/port=/I; s/;/ /g')
load="$after/bench/Ticketing.LoadTest/bin/Release/net10.0/Ticketing.LoadTest.dll"
results=$(mktemp)
api=""
trap '[ -z "$api" ] || kill -TERM "$api" 2>/dev/null || true; rm -f "$results"' EXIT

run() { # run LABEL CHECKOUT SCENARIO
  local database="ticketing_compare_$$_$RANDOM" line
  (cd "$2/src/Api/bin/Release/net10.0" && ConnectionStrings__Ticketing="$ConnectionStrings__Ticketing;Database=$database" \
    exec dotnet Ticketing.Api.dll --urls "http://127.0.0.1:$port") >/dev/null 2>&1 &
  api=$!
  for _ in $(seq 1 90); do curl -sf "http://127.0.0.1:$port/api/ping" >/dev/null && break; sleep 1; done
  line=$(dotnet "$load" --url "http://127.0.0.1:$port" --scenario "$3" --connections 64 --duration "$duration" --warmup "${BENCH_WARMUP:-5s}" 2>&1 | tail -n 1)
  kill -TERM "$api" 2>/dev/null || true; wait "$api" 2>/dev/null || true; api=""
  psql "$psql_cs dbname=postgres" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  printf '%s %s %s\n' "$1" "$3" "$line" | tee -a "$results"
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); before=$before after=$after; warm-up ${BENCH_WARMUP:-5s}"
for _ in $(seq 1 "$rounds"); do
  for scenario in "${scenarios[@]}"; do
    run before "$before" "$scenario"
    run after "$after" "$scenario"
  done
done
echo "# median holds/s (runs)"
for scenario in "${scenarios[@]}"; do
  for label in before after; do
    grep "^$label $scenario " "$results" | sed -nE 's/.*"holdsPerSecond":([0-9.]+).*/\1/p' | sort -n |
      awk -v l="$label" -v s="$scenario" '{ v[NR] = $1 } END { if (NR == 0) { print l, s, "-"; exit } m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s %s %.0f (%d)\n", l, s, m, NR }'
  done
done
