#!/usr/bin/env bash
# Faults under load against a running local cluster (deploy/local/cluster.sh start 3):
#
#   bench/failover.sh kill [SILO]     load, then SIGKILL of silo SILO (default 2) 8 s in; the silo is started again
#                                     after the run (not during it)
#   bench/failover.sh rolling         load, then each silo in turn SIGTERMed and started again (a rolling update)
#
# The load generator (best-available, 64 connections, an event of 40 sections) prints its JSON line, whose maxMs is
# the worst request, errors the requests that failed, and invariantsPassed the check that every acknowledged hold
# and release is exactly as answered. Extra arguments after the mode go to the load generator.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cluster="$root/deploy/local/cluster.sh"
mode=${1:?kill or rolling}; shift
silo=2
if [ "$mode" = kill ] && [[ "${1:-}" =~ ^[0-9]+$ ]]; then silo=$1; shift; fi
export Jwt__SigningKey="${Jwt__SigningKey:-$(cat "$root/deploy/local/.run/jwt-signing-key")}"
loadtest="$root/bench/Ticketing.LoadTest/bin/Release/net10.0/Ticketing.LoadTest.dll"
[ -f "$loadtest" ] || dotnet build "$root/bench/Ticketing.LoadTest" -c Release -v quiet -nologo >/dev/null
silos=$(ls "$root"/deploy/local/.run/silo*.pid | wc -l)
duration=$([ "$mode" = rolling ] && echo $((25 * silos + 10)) || echo 25)

log=$(mktemp)
dotnet "$loadtest" --scenario best-available --connections 64 --sections 40 --warmup 2s --duration "${duration}s" "$@" >"$log" 2>&1 &
load=$!
# The event is created and published before the measured run starts.
for _ in $(seq 1 120); do grep -q "closed loop\|open loop" "$log" && break; sleep 0.5; done
sleep 8
began=$(date +%s.%N)
case "$mode" in
  kill) "$cluster" kill "$silo" ;;
  rolling) for i in $(seq 1 "$silos"); do "$cluster" restart "$i"; sleep 3; done ;;
  *) echo "failover: unknown mode $mode" >&2; kill "$load"; exit 2 ;;
esac
echo "failover: $mode done $(echo "$(date +%s.%N) - $began" | bc | xargs printf '%.1f')s after it began"
status=0
wait "$load" || status=$?
cat "$log"
rm -f "$log"
if [ "$mode" = kill ]; then "$cluster" restart "$silo" >/dev/null; fi
exit $status
