#!/usr/bin/env bash
# The front door's figures (issue 13): the waiting room and the live availability stream, over real HTTP against the
# API on the embedded default. Each measurement gets a fresh API process (so its memory figures start from the same
# place); the script prints one JSON line per measurement (bench/Ticketing.LiveBench) and stops the API.
#   bench/front-door.sh [BUYERS] [CLIENTS]     default 100000 queued buyers, 10000 SSE clients
# Environment: FRONT_DOOR_PORT (default 18095), HOLD_RATE (holds/s while the SSE clients listen, default 5),
# HOLD_DURATION (default 30s), READ_DURATION (position reads, default 20s), FRONT_DOOR_MODES (default "queue sse").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
buyers=${1:-100000}
clients=${2:-10000}
port=${FRONT_DOOR_PORT:-18095}
out="$root/bench/results"
mkdir -p "$out"
# The API checks bearer tokens with this key; the bench signs its customers' tokens with it (as bench/run-all.sh does).
export Jwt__SigningKey=${Jwt__SigningKey:-$(head -c 48 /dev/urandom | base64 | tr -d '\n')}
# Every SSE client connects from this machine's one address, and the stream is an anonymous read (100 per 10 s per
# address by default): the bench lifts that limit. Queue joins are per customer (each buyer joins once) and signed-in
# reads are not limited, so the other limits stay as shipped.
export RateLimits__AnonymousReadPermits=1000000
# One socket per SSE client on each side, client and API both on this machine.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((clients + 1000)) ]; then
  echo "front-door: ulimit -n is $(ulimit -n), too low for $clients SSE clients (raise the hard limit)" >&2
  exit 1
fi
dotnet build "$root/src/Api" -c Release -v quiet -nologo >/dev/null
dotnet build "$root/bench/Ticketing.LiveBench" -c Release -v quiet -nologo >/dev/null

api=""
trap '[ -z "$api" ] || { kill -TERM "$api" 2>/dev/null; wait "$api" 2>/dev/null || true; }' EXIT
start_api() { # start_api NAME: a fresh API process on the embedded default; its pid in $api
  (cd "$root/src/Api/bin/Release/net10.0" && ConnectionStrings__Ticketing="" exec dotnet Ticketing.Api.dll --urls "http://127.0.0.1:$port") \
    >"$out/front-door-$1-api.log" 2>&1 &
  api=$!
  for _ in $(seq 1 90); do curl -sf "http://127.0.0.1:$port/api/ping" >/dev/null && return 0; sleep 1; done
  echo "front-door: the API did not start (see $out/front-door-$1-api.log)" >&2
  exit 1
}
stop_api() {
  kill -TERM "$api" 2>/dev/null || true
  wait "$api" 2>/dev/null || true
  api=""
}
bench() { dotnet "$root/bench/Ticketing.LiveBench/bin/Release/net10.0/Ticketing.LiveBench.dll" --url "http://127.0.0.1:$port" --api-pid "$api" "$@"; }

# Everything runs in this shell (so the trap above stops the API whichever way it ends); the output also goes to a file.
exec > >(tee "$out/front-door.txt")
echo "# front door: $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d ' ' -f 1-3 /proc/loadavg), bench client on the same machine as the API"
status=0
for mode in ${FRONT_DOOR_MODES:-queue sse}; do
  start_api "$mode"
  # A run whose checks failed (a lost join, a missed change) still prints its lines, with "checksPassed":false.
  case $mode in
    queue) bench --mode queue --buyers "$buyers" --duration "${READ_DURATION:-20s}" || status=1 ;;
    sse) bench --mode sse --clients "$clients" --hold-rate "${HOLD_RATE:-5}" --duration "${HOLD_DURATION:-30s}" || status=1 ;;
    *) echo "front-door: unknown mode '$mode' (queue or sse)" >&2; status=1 ;;
  esac
  stop_api
done
echo "# load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg)"
exit "$status"
