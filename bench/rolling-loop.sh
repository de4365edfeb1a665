#!/usr/bin/env bash
# bench/rolling-loop.sh [RUNS]: bench/failover.sh rolling RUNS times (default 10) on the running local cluster; one
# summary line per run (invariants, errors, worst request), and exit 1 if any run failed its invariant check.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
failed=0
for run in $(seq 1 "${1:-10}"); do
  line=$("$root/bench/failover.sh" rolling 2>&1 | tee "/tmp/rolling-run-$run.log" | grep '^{"scenario"' || echo '{"invariantsPassed":false}')
  echo "run $run: $line"
  echo "$line" | grep -q '"invariantsPassed":true' || failed=$((failed + 1))
done
echo "rolling-loop: ${failed} of ${1:-10} runs failed the invariant check"
[ "$failed" -eq 0 ]
