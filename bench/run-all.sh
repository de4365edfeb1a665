#!/usr/bin/env bash
# Runs every load scenario against a fresh API process: once on the embedded default, once on PostgreSQL
# (when ConnectionStrings__Ticketing is set). Prints each run's JSON line; results go to bench/results/.
#   bench/run-all.sh [DURATION]        e.g. bench/run-all.sh 20s
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
duration=${1:-20s}
out="$root/bench/results"
mkdir -p "$out"
dotnet build "$root/src/Api" -c Release -v quiet -nologo >/dev/null
dotnet build "$root/bench/Ticketing.LoadTest" -c Release -v quiet -nologo >/dev/null
load() { dotnet "$root/bench/Ticketing.LoadTest/bin/Release/net10.0/Ticketing.LoadTest.dll" --duration "$duration" "$@"; }

run_suite() { # run_suite NAME [connection string]
  local name=$1 cs=${2:-}
  local log="$out/$name.txt"
  : >"$log"
  (cd "$root/src/Api/bin/Release/net10.0" && ConnectionStrings__Ticketing="$cs" exec dotnet Ticketing.Api.dll --urls http://localhost:8080) >"$out/$name-api.log" 2>&1 &
  local api=$!
  for _ in $(seq 1 60); do curl -sf http://localhost:8080/api/ping >/dev/null && break; sleep 1; done
  {
    echo "== $name: $(date -u +%FT%TZ), $(nproc) cores, load generator on the same machine"
    load --scenario baseline --connections 64 | tail -n 1
    load --scenario best-available --connections 64 | tail -n 1
    load --scenario seat-pick --connections 64 | tail -n 1
    load --scenario hot-seats --connections 64 | tail -n 1
    load --scenario hot-seats --connections 1000 | tail -n 1
    load --scenario purchase --connections 64 | tail -n 1
    # Open loop at 1,000 connections at 60% of the closed-loop best-available rate measured just above.
    local saturation
    saturation=$(grep '"scenario":"best-available"' "$log" | head -n 1 | sed -E 's/.*"requestsPerSecond":([0-9.]+).*/\1/')
    load --scenario best-available --connections 1000 --rate "$(awk "BEGIN { printf \"%d\", $saturation * 0.6 }")" | tail -n 1
  } | tee -a "$log"
  kill -TERM "$api"; wait "$api" || true
}

run_suite embedded
if [ -n "${ConnectionStrings__Ticketing:-}" ]; then
  run_suite postgres "$ConnectionStrings__Ticketing"
fi
