#!/usr/bin/env bash
# A local multi-silo Ticketing cluster on PostgreSQL: N headless silos plus the API as an Orleans client.
#
#   deploy/local/cluster.sh start [SILOS]   build, apply the schema, start SILOS silos (default 2) and the API
#   deploy/local/cluster.sh stop            stop them (SIGTERM: silos leave the membership cleanly)
#   deploy/local/cluster.sh status          what runs, and the cluster membership as PostgreSQL records it
#   deploy/local/cluster.sh restart I       SIGTERM silo I, wait until it is gone, start it again (a rolling update's step)
#   deploy/local/cluster.sh kill I          SIGKILL silo I (no goodbye: the others must notice it is dead)
#
# Needs ConnectionStrings__Ticketing (default: Host=localhost;Username=postgres;Password=postgres;Database=ticketing).
# The API listens on http://localhost:8080 (API_URL to change); silo i uses ports 11110+i and 30000+i, and serves
# its health, metrics and dashboard on http://localhost:(8090+i).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
run="$root/deploy/local/.run"
export ConnectionStrings__Ticketing="${ConnectionStrings__Ticketing:-Host=localhost;Username=postgres;Password=postgres;Database=ticketing}"
# The API checks bearer tokens with this key (Jwt:SigningKey); the load generator reads the same variable.
# Unless given, one is made on the first start and kept in .run/jwt-signing-key.
export Jwt__SigningKey="${Jwt__SigningKey:-$(cat "$run/jwt-signing-key" 2>/dev/null || true)}"
api_url="${API_URL:-http://localhost:8080}"
config="${CONFIGURATION:-Release}"

silo_dll="$root/src/Silo/bin/$config/net10.0/Ticketing.Silo.dll"
api_dll="$root/src/Api/bin/$config/net10.0/Ticketing.Api.dll"

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2; shift 2
  for _ in $(seq 1 "$seconds"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "cluster: $what did not come up within ${seconds}s; see $run/*.log" >&2
  return 1
}

start_silo() { # start_silo I: silo I on its ports, its log appended to (a restarted silo keeps its history)
  local i=$1
  dotnet "$silo_dll" --Orleans:SiloPort=$((11110 + i)) --Orleans:GatewayPort=$((30000 + i)) --urls "http://localhost:$((8090 + i))" >>"$run/silo$i.log" 2>&1 &
  echo $! >"$run/silo$i.pid"
  local started; started=$(date +%s)
  wait_for 60 "silo $i" sh -c "[ \$(grep -c 'Orleans Silo started' '$run/silo$i.log') -gt ${2:-0} ]"
  echo "cluster: silo $i up in $(( $(date +%s) - started ))s (pid $(cat "$run/silo$i.pid"), silo port $((11110 + i)), gateway $((30000 + i)), http://localhost:$((8090 + i)) for health, metrics, dashboard)"
}

restart() { # restart I: what a rolling update does to one pod
  local i=${1:?silo number}; local pidfile="$run/silo$i.pid"
  [ -f "$pidfile" ] || { echo "cluster: no silo $i" >&2; exit 1; }
  local pid; pid=$(cat "$pidfile")
  local began; began=$(date +%s.%N)
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { echo "cluster: silo $i did not stop within 60s; killing it" >&2; kill -KILL "$pid"; }
  fi
  echo "cluster: silo $i stopped in $(echo "$(date +%s.%N) - $began" | bc | xargs printf '%.1f')s"
  start_silo "$i" "$(grep -c 'Orleans Silo started' "$run/silo$i.log" || true)"
}

kill_silo() { # kill I: SIGKILL, the pid file stays so that restart I starts it again
  local i=${1:?silo number}; local pid; pid=$(cat "$run/silo$i.pid")
  kill -KILL "$pid"
  echo "cluster: silo $i killed (pid $pid)"
}

start() {
  local silos=${1:-2}
  if [ -d "$run" ] && ls "$run"/*.pid >/dev/null 2>&1; then
    echo "cluster: already running (deploy/local/cluster.sh stop first)" >&2
    exit 1
  fi
  mkdir -p "$run"
  rm -f "$run"/silo*.log
  if [ -z "$Jwt__SigningKey" ]; then
    Jwt__SigningKey=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
    (umask 077 && echo "$Jwt__SigningKey" >"$run/jwt-signing-key")
  fi
  echo "cluster: building ($config)"
  dotnet build "$root/src/Api" -c "$config" -v quiet -nologo >"$run/build.log" 2>&1 || { cat "$run/build.log"; exit 1; }
  dotnet build "$root/src/Silo" -c "$config" -v quiet -nologo >>"$run/build.log" 2>&1 || { cat "$run/build.log"; exit 1; }
  echo "cluster: applying the schema"
  dotnet "$silo_dll" migrate >"$run/migrate.log" 2>&1 || { cat "$run/migrate.log"; exit 1; }

  for i in $(seq 1 "$silos"); do
    start_silo "$i"
  done

  dotnet "$api_dll" --Orleans:Mode=Client --urls "$api_url" >"$run/api.log" 2>&1 &
  echo $! >"$run/api.pid"
  wait_for 60 "the API" curl -sf "$api_url/api/events"
  echo "cluster: API up at $api_url (pid $(cat "$run/api.pid")); dashboard at $api_url/dashboard"
  [ -f "$run/jwt-signing-key" ] && echo "cluster: tokens are signed with the key in $run/jwt-signing-key (export Jwt__SigningKey=\$(cat $run/jwt-signing-key))"
  true
}

stop() {
  [ -d "$run" ] || { echo "cluster: not running"; return 0; }
  # The API first, then the silos, each with SIGTERM so that it shuts down gracefully.
  for pidfile in "$run"/api.pid "$run"/silo*.pid; do
    [ -f "$pidfile" ] || continue
    local pid; pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -0 "$pid" 2>/dev/null && { echo "cluster: $(basename "$pidfile" .pid) did not stop; killing it" >&2; kill -KILL "$pid"; }
    fi
    echo "cluster: stopped $(basename "$pidfile" .pid)"
    rm -f "$pidfile"
  done
}

status() {
  for pidfile in "$run"/api.pid "$run"/silo*.pid; do
    [ -f "$pidfile" ] || continue
    local pid; pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then echo "$(basename "$pidfile" .pid): running (pid $pid)"; else echo "$(basename "$pidfile" .pid): not running"; fi
  done
  if command -v psql >/dev/null 2>&1; then
    psql "$(echo "$ConnectionStrings__Ticketing" | sed -E 's/Host=([^;]*)/host=\1/; s/Username=([^;]*)/user=\1/; s/Password=([^;]*)/password=\1/; s/Database=([^;]*)/dbname=\1/; s/;/ /g')" \
      -c "SELECT address, port, generation, hostname, status FROM orleansmembershiptable ORDER BY port, generation;" 2>/dev/null || true
  fi
}

case "${1:-}" in
  start) start "${2:-2}" ;;
  stop) stop ;;
  status) status ;;
  restart) restart "${2:-}" ;;
  kill) kill_silo "${2:-}" ;;
  *) sed -n '2,11p' "$0"; exit 2 ;;
esac
