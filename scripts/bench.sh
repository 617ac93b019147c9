#!/usr/bin/env bash
# Throughput benchmark: GET /livez (baseline), GET /subscribe, POST /subscribe (a unique email per request),
# on SQLite and on PostgreSQL, each on a fresh database, with the ratios to /livez. After each POST run it
# checks that every acknowledged sign-up is in the database.
#
#   scripts/bench.sh                  # both engines, 10 s per run, wrk -t2 -c32, GETs 3 rounds each (median)
#   DURATION=20s CONNECTIONS=64 scripts/bench.sh
#   ENGINES=sqlite scripts/bench.sh
#   BIN=/tmp/old/assent GETS=0 scripts/bench.sh    # another build, sign-ups only
#   scripts/bench-signups.sh /tmp/old/assent        # this build against another, alternating
#
# Email delivery is pointed at a closed port, so the mail worker finds SMTP down and backs off: the
# confirmation emails wait in the outbox (as they would during a burst) instead of competing for the cores.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
ENGINES="${ENGINES:-sqlite postgres}"
PG_ADMIN="${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
PORT="${PORT:-18181}"
ROUNDS="${ROUNDS:-3}"
GETS="${GETS:-1}"

command -v wrk >/dev/null || { echo "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk; }
command -v psql >/dev/null || { echo "psql is needed for the PostgreSQL run" >&2; exit 1; }
# BIN=path/to/assent benchmarks another build (e.g. the previous release) in the same way.
if [ -z "${BIN:-}" ]; then cargo build --release --quiet; BIN=target/release/assent; fi

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Prints "requests/s completed non2xx p99" for one wrk run.
run_wrk() {
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@")
  local rps completed non2xx p99
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  completed=$(awk '/requests in/ {print $1}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  echo "$rps $completed ${non2xx:-0} $p99"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A RESULT
for engine in $ENGINES; do
  case "$engine" in
    sqlite) url="sqlite://$work/sqlite/assent.db"; count_cmd() { sqlite3 "$work/sqlite/assent.db" "$1" 2>/dev/null || python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$work/sqlite/assent.db" "$1"; } ;;
    postgres)
      db="assent_bench_$$"
      psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
      url="${PG_ADMIN%/*}/$db"
      count_cmd() { psql -qtA "$url" -c "$1"; } ;;
    *) echo "unknown engine $engine" >&2; exit 1 ;;
  esac
  closed_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  ASSENT_DATABASE_URL="$url" ASSENT_BIND="127.0.0.1:$PORT" ASSENT_DATA_DIR="$work/$engine" \
    ASSENT_SMTP_URL="smtp://127.0.0.1:$closed_port" ASSENT_LOG=error "$BIN" serve > "$work/$engine.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || { cat "$work/$engine.log"; exit 1; }

  # The two GET figures are noisy on a shared 2-core machine: alternate them and keep the medians.
  livez_runs=(1); form_runs=(1)
  [ "$GETS" = 1 ] && livez_runs=() && form_runs=()
  for _ in $(seq 1 "$([ "$GETS" = 1 ] && echo "$ROUNDS" || echo 0)"); do
    read -r r _ _ <<<"$(run_wrk "http://127.0.0.1:$PORT/livez")"; livez_runs+=("$r")
    read -r r _ _ <<<"$(run_wrk "http://127.0.0.1:$PORT/subscribe?agreements=newsletter_agreement,sms_agreement")"; form_runs+=("$r")
  done
  livez=$(median "${livez_runs[@]}"); form=$(median "${form_runs[@]}")
  read -r signup completed non2xx p99 <<<"$(run_wrk -s scripts/signups.lua "http://127.0.0.1:$PORT")"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""

  ok=$((completed - non2xx))
  stored=$(count_cmd "SELECT COUNT(*) FROM profiles WHERE email LIKE '%@bench.example'")
  pending=$(count_cmd "SELECT COUNT(*) FROM optin_requests")
  # (Builds before the shared outbox kept their emails in email_outbox.)
  queued=$(count_cmd "SELECT COUNT(*) FROM outbox WHERE channel = 'email'" 2>/dev/null \
    || count_cmd "SELECT COUNT(*) FROM email_outbox")
  # wrk counts responses it received; a request in flight when it stops may be committed as well.
  if [ "$non2xx" -ne 0 ] || [ "$stored" -lt "$ok" ] || [ "$stored" -gt $((ok + CONNECTIONS)) ] \
     || [ "$pending" -ne "$stored" ] || [ "$queued" -ne "$stored" ]; then
    echo "FAIL ($engine): $ok sign-ups acknowledged ($non2xx errors) but $stored profiles, $pending opt-in requests, $queued emails stored" >&2
    exit 1
  fi
  RESULT[$engine]="$livez $form $signup $ok $stored $p99"
  [ "$engine" = postgres ] && psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db" >/dev/null
done

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION on $(nproc) cores, server and load generator sharing them"
if [ "$GETS" != 1 ]; then
  printf "%-10s %17s %10s %22s\n" engine "POST /subscribe" p99 "acknowledged/stored"
  for engine in $ENGINES; do
    read -r _ _ signup ok stored p99 <<<"${RESULT[$engine]}"
    printf "%-10s %17.0f %10s %22s\n" "$engine" "$signup" "$p99" "$ok/$stored"
  done
  exit 0
fi
printf "%-10s %14s %16s %8s %17s %10s %8s %22s\n" engine "livez req/s" "GET /subscribe" ratio "POST /subscribe" p99 ratio "acknowledged/stored"
for engine in $ENGINES; do
  read -r livez form signup ok stored p99 <<<"${RESULT[$engine]}"
  printf "%-10s %14.0f %16.0f %7.2fx %17.0f %10s %7.2fx %22s\n" "$engine" "$livez" "$form" \
    "$(awk "BEGIN {print $form / $livez}")" "$signup" "$p99" "$(awk "BEGIN {print $signup / $livez}")" "$ok/$stored"
done
