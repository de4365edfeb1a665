#!/usr/bin/env bash
# The silo's memory with many live holds: starts the API (embedded, or on PostgreSQL when ConnectionStrings__Ticketing
# is set), creates the load generator's 100,000-seat event, makes HOLDS one-seat holds that stay held, checks the
# invariants, and prints the API process's resident memory (its working set) before and after.
#   bench/memory.sh [HOLDS]        default 50000
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The API checks tokens with this key and the load generator signs its customers' tokens with it.
export Jwt__SigningKey=${Jwt__SigningKey:-$(head -c 48 /dev/urandom | base64 | tr -d '\n')}
holds=${1:-50000}
port=${MEMORY_PORT:-18090}
dotnet build "$root/src/Api" -c Release -v quiet -nologo >/dev/null
dotnet build "$root/bench/Ticketing.LoadTest" -c Release -v quiet -nologo >/dev/null
(cd "$root/src/Api/bin/Release/net10.0" && exec dotnet Ticketing.Api.dll --urls "http://127.0.0.1:$port") >/dev/null 2>&1 &
api=$!
trap 'kill -TERM "$api" 2>/dev/null; wait "$api" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/api/ping" >/dev/null && break; sleep 1; done
rss() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$api/status"; }
before=$(rss)
line=$(dotnet "$root/bench/Ticketing.LoadTest/bin/Release/net10.0/Ticketing.LoadTest.dll" --url "http://127.0.0.1:$port" \
  --scenario fill --max-holds "$holds" --connections 64 --warmup 0s --duration 600s | tail -n 1)
echo "$line"
sleep 2
echo "{\"holds\":$holds,\"seats\":100000,\"storage\":\"${ConnectionStrings__Ticketing:+postgres}${ConnectionStrings__Ticketing:-embedded}\",\"rssMiBBefore\":$before,\"rssMiBAfter\":$(rss),\"peakMiB\":$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$api/status")}" | sed -E 's/"storage":"postgres[^"]*"/"storage":"postgres"/'
