#!/usr/bin/env bash
# A short load-generator run against the API on PostgreSQL, for CI: every scenario for a few seconds, each ending
# with the load generator's invariant check (free + held + sold = capacity, no seat twice, holds match bookings).
# It asserts correctness only, never speed. Needs ConnectionStrings__Ticketing; builds nothing (run after dotnet build).
#   bench/smoke.sh [CONFIGURATION]     Debug (default) or Release
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
configuration=${1:-Debug}
: "${ConnectionStrings__Ticketing:?bench/smoke.sh needs ConnectionStrings__Ticketing (a PostgreSQL connection string)}"
api_dir="$root/src/Api/bin/$configuration/net10.0"
load_dll="$root/bench/Ticketing.LoadTest/bin/$configuration/net10.0/Ticketing.LoadTest.dll"
port=${SMOKE_PORT:-18080}
log=$(mktemp)
# The API outside Development checks tokens with a configured key; the load generator signs its customers' tokens
# with the same one (it reads Jwt__SigningKey too). A fresh random key per run, unless one is given.
export Jwt__SigningKey=${Jwt__SigningKey:-$(head -c 48 /dev/urandom | base64 | tr -d '\n')}

(cd "$api_dir" && ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  exec dotnet Ticketing.Api.dll --urls "http://127.0.0.1:$port") >"$log" 2>&1 &
api=$!
trap 'kill -TERM "$api" 2>/dev/null; wait "$api" 2>/dev/null || true' EXIT
for _ in $(seq 1 90); do curl -sf "http://127.0.0.1:$port/api/ping" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$port/api/ping" >/dev/null || { echo "smoke: the API did not start"; tail -n 40 "$log"; exit 1; }

passed=0 failed=0
for scenario in best-available seat-pick hot-seats purchase; do
  line=$(dotnet "$load_dll" --url "http://127.0.0.1:$port" --scenario "$scenario" --connections 16 \
    --warmup 1s --duration 3s --sections 20 | tail -n 1) || true
  echo "smoke $scenario: $line"
  if [[ $line == *'"invariantsPassed":true'* && $line != *'"holdsPerSecond":0,'* && $line == *'"rateLimited":0,'* ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
# Check-in: 2,000 tickets bought first, then scanned (200 once each, 409 after); no ticket may be admitted twice.
line=$(dotnet "$load_dll" --url "http://127.0.0.1:$port" --scenario checkin --connections 16 \
  --warmup 1s --duration 3s --tickets 2000 | tail -n 1) || true
echo "smoke checkin: $line"
if [[ $line == *'"invariantsPassed":true'* && $line == *'"errors":0,'* && $line != *'"requests":0,'* ]]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi
echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
