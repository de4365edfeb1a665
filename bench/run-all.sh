#!/usr/bin/env bash
# Runs every load scenario against a fresh API process: once on the embedded default, once on PostgreSQL
# (when ConnectionStrings__Ticketing is set), and then against the row-lock baseline service
# (bench/Ticketing.RowLockBaseline, same PostgreSQL server, its own database ticketing_rowlock, recreated per run).
# Prints each run's JSON line and, at the end, a comparison of the three; results go to bench/results/.
#   bench/run-all.sh [DURATION]        e.g. bench/run-all.sh 20s
# BENCH_WARMUP (default 5s) is each run's unmeasured warm-up. .NET compiles a method quickly at first and optimizes it
# (with profile-guided optimization) only after it has run a while, so a run in a fresh process's first minute measures
# that compilation too: BENCH_WARMUP=20s measures the services warm, as they run for hours (every service alike).
# Each service listens on http://localhost:${BENCH_PORT:-8080}, one at a time.
set -euo pipefail
# The API checks bearer tokens with this key; the load generator signs its customers' tokens with it.
export Jwt__SigningKey=${Jwt__SigningKey:-$(head -c 48 /dev/urandom | base64 | tr -d '\n')}
root=$(cd "$(dirname "$0")/.." && pwd)
duration=${1:-20s}
out="$root/bench/results"
port=${BENCH_PORT:-8080}
mkdir -p "$out"
dotnet build "$root/src/Api" -c Release -v quiet -nologo >/dev/null
dotnet build "$root/bench/Ticketing.LoadTest" -c Release -v quiet -nologo >/dev/null
if [ -n "${ConnectionStrings__Ticketing:-}" ]; then
  dotnet build "$root/bench/Ticketing.RowLockBaseline" -c Release -v quiet -nologo >/dev/null
fi
warmup=${BENCH_WARMUP:-5s}
load() { dotnet "$root/bench/Ticketing.LoadTest/bin/Release/net10.0/Ticketing.LoadTest.dll" --url "http://localhost:$port" --duration "$duration" --warmup "$warmup" "$@"; }

# run LOAD OPTIONS...: prints the run's JSON line (a failed invariant check shows there as invariantsPassed false).
# A run that ends without one (say, the service refused to create the event) prints a '#' line saying why, and
# the other runs go on.
run() {
  local output last
  output=$(load "$@" 2>&1) || true
  last=$(printf '%s\n' "$output" | tail -n 1)
  if [[ $last == \{* ]]; then
    printf '%s\n' "$last"
  else
    printf '# %s failed: %s\n' "$*" "$(printf '%s\n' "$output" | grep -m 1 -E 'Exception|rror' || printf '%s' "$last")"
  fi
}

# The service of the suite under way; stopped however the script ends.
service=""
trap '[ -z "$service" ] || kill -TERM "$service" 2>/dev/null || true' EXIT

start_api() { # start_api CONNECTION_STRING: the project
  cd "$root/src/Api/bin/Release/net10.0" && ConnectionStrings__Ticketing="$1" exec dotnet Ticketing.Api.dll --urls http://localhost:$port
}

start_rowlock() { # start_rowlock CONNECTION_STRING: the baseline, in a fresh database on the same server
  cd "$root/bench/Ticketing.RowLockBaseline/bin/Release/net10.0" &&
    ConnectionStrings__RowLock="$1" exec dotnet Ticketing.RowLockBaseline.dll --urls http://localhost:$port --database ticketing_rowlock --reset true
}

run_suite() { # run_suite NAME START_FUNCTION [connection string]
  local name=$1 start=$2 cs=${3:-}
  local log="$out/$name.txt"
  : >"$log"
  ("$start" "$cs") >"$out/$name-api.log" 2>&1 &  # the subshell execs the service: $! is its pid
  service=$!
  for _ in $(seq 1 60); do curl -sf http://localhost:$port/api/ping >/dev/null && break; sleep 1; done
  {
    echo "== $name: $(date -u +%FT%TZ), $(nproc) cores, load generator on the same machine, warm-up $warmup per run"
    run --scenario baseline --connections 64
    run --scenario best-available --connections 64
    run --scenario seat-pick --connections 64
    run --scenario hot-seats --connections 64
    run --scenario hot-seats --connections 1000
    run --scenario purchase --connections 64
    # Open loop at 1,000 connections at 60% of the closed-loop best-available rate measured just above.
    local saturation
    saturation=$(grep '"scenario":"best-available"' "$log" | head -n 1 | sed -E 's/.*"requestsPerSecond":([0-9.]+).*/\1/' || true)
    if [ -n "$saturation" ]; then
      run --scenario best-available --connections 1000 --rate "$(awk "BEGIN { printf \"%d\", $saturation * 0.6 }")"
    fi
  } | tee -a "$log"
  kill -TERM "$service" 2>/dev/null || true  # it may have stopped on its own
  wait "$service" || true
  service=""
}

# field SUITE SCENARIO NAME: a number from the suite's closed-loop, 64-connection JSON line of SCENARIO ("" if none).
field() {
  local file="$out/$1.txt"
  [ -f "$file" ] || return 0
  grep "\"scenario\":\"$2\",\"connections\":64,\"mode\":\"closed\"" "$file" | head -n 1 |
    sed -nE "s/.*\"$3\":([-0-9.eE+]+).*/\1/p" || true  # no such line: empty
}

ratio() { # ratio A B: A / B with two decimals, "-" when either is missing or B is 0
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'
}

summary() {
  local suites="embedded postgres rowlock"
  echo
  echo "== summary: closed loop, 64 connections (holds/s, requests/s, p99 ms); ratios of holds/s"
  printf '%-15s' "scenario"
  for s in $suites; do printf ' %28s' "$s"; done
  printf ' %16s %17s\n' "postgres/rowlock" "postgres/embedded"
  for scenario in best-available seat-pick hot-seats; do
    printf '%-15s' "$scenario"
    for s in $suites; do
      local holds requests p99
      holds=$(field "$s" "$scenario" holdsPerSecond)
      requests=$(field "$s" "$scenario" requestsPerSecond)
      p99=$(field "$s" "$scenario" p99Ms)
      if [ -n "$holds" ]; then printf ' %28s' "$holds, $requests, $p99"; else printf ' %28s' "-"; fi
    done
    local pg
    pg=$(field postgres "$scenario" holdsPerSecond)
    printf ' %16s %17s\n' "$(ratio "$pg" "$(field rowlock "$scenario" holdsPerSecond)")" \
      "$(ratio "$pg" "$(field embedded "$scenario" holdsPerSecond)")"
  done
  # Any run of any suite whose invariant check failed, so that a figure is never read without knowing it.
  local s
  for s in $suites; do
    [ -f "$out/$s.txt" ] || continue
    grep '"invariantsPassed":false' "$out/$s.txt" |
      sed -E "s/.*\"scenario\":\"([^\"]+)\",\"connections\":([0-9]+),\"mode\":\"([a-z]+)\".*/invariant check FAILED: $s \1, \2 connections, \3 loop/" || true
  done
}

rm -f "$out/rowlock.txt" "$out/postgres.txt"
run_suite embedded start_api
if [ -n "${ConnectionStrings__Ticketing:-}" ]; then
  run_suite postgres start_api "$ConnectionStrings__Ticketing"
  run_suite rowlock start_rowlock "$ConnectionStrings__Ticketing"
fi
summary | tee "$out/summary.txt"
