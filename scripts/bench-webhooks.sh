#!/usr/bin/env bash
# Webhook delivery benchmark, per engine, against a fast local receiver (examples/webhook_receiver.rs:
# the test suite's receiver, which verifies every signature with the `standardwebhooks` crate):
#   1. lag: changes made at a steady rate below saturation (RATE changes/s through the batch API, 100 per
#      request); the receiver reports the lag from when each change was recorded to its arrival
#      (median and 99th percentile);
#   2. throughput: CHANGES consent changes queued while the endpoint is paused, then resumed; reports
#      deliveries/s from resume to the last arrival (the target is 5,000/s on SQLite);
#   3. the same backlog with the receiver failing 30% of requests; reports the time to drain and any
#      dead letters. The retry schedule is scaled (ASSENT_WEBHOOK_FIRST_RETRY_MS, default here 1 ms:
#      1 ms, 60 ms, 360 ms, 1.4 s, 3.6 s, 7.2 s, 17 s), since the real one (5 s … 24 h) drains in hours.
#
#   scripts/bench-webhooks.sh                          # both engines, 100,000 changes
#   CHANGES=20000 ENGINES=sqlite scripts/bench-webhooks.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CHANGES="${CHANGES:-100000}"
RATE="${RATE:-1000}"
LAG_CHANGES="${LAG_CHANGES:-10000}"
FIRST_RETRY_MS="${FIRST_RETRY_MS:-1}"
ENGINES="${ENGINES:-sqlite postgres}"
PG_ADMIN="${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
cargo build --release --quiet --example webhook_receiver
if [ -z "${BIN:-}" ]; then cargo build --release --quiet; BIN=target/release/assent; fi
RX=target/release/examples/webhook_receiver

work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Sends COUNT changes (newsletter on/off in turns for 1,000 people, each later than the one before)
# in requests of SIZE, at most RATE changes a second (0: as fast as it goes).
send() {
  python3 - "$port" "$key" "$1" "$2" "$3" "$4" <<'PY'
import http.client, json, sys, time, datetime
port, key, count, size, rate, tag = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
base = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
t0 = time.monotonic()
for r in range(count // size):
    items = []
    for i in range(size):
        n = r * size + i
        person, turn = n % 1000, n // 1000
        at = (base + datetime.timedelta(seconds=turn)).strftime("%Y-%m-%dT%H:%M:%SZ")
        items.append({"email": f"{tag}{person}@bench.example", "agreements": {"email": turn % 2 == 0}, "consentedAt": at})
    c.request("POST", "/v4/clients/batch", json.dumps(items), {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    resp = c.getresponse(); answer = json.loads(resp.read())
    assert resp.status == 202 and not answer["rejected"], answer
    if rate > 0:
        ahead = (r + 1) * size / rate - (time.monotonic() - t0)
        if ahead > 0: time.sleep(ahead)
PY
}

printf "%-9s %10s %11s %11s %12s %8s %12s %10s %8s\n" engine "lag p50" "lag p99" changes "deliveries/s" "vs 5k/s" "drain@30%" "failed req" dead
for engine in $ENGINES; do
  case "$engine" in
    sqlite) url="sqlite://$work/sqlite/assent.db"; mkdir -p "$work/sqlite"
      count() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$work/sqlite/assent.db" "$1"; } ;;
    postgres) db="assent_bench_hooks_$$"
      psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
      url="${PG_ADMIN%/*}/$db"
      count() { psql -qtA "$url" -c "$1"; } ;;
  esac
  export ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$work/$engine" ASSENT_ALLOW_PRIVATE_TARGETS=true \
    ASSENT_WEBHOOK_FIRST_RETRY_MS="$FIRST_RETRY_MS" ASSENT_LOG=error
  "$BIN" migrate >/dev/null
  key=$("$BIN" apikey create --name bench | tail -1)
  rxport=$(free_port); port=$(free_port); closed=$(free_port)
  secret=$("$BIN" webhook add --url "http://127.0.0.1:$rxport/hooks" --events consent.changed | tail -1)
  hook=$("$BIN" webhook list | cut -f1)
  ASSENT_BIND="127.0.0.1:$port" ASSENT_SMTP_URL="smtp://127.0.0.1:$closed" "$BIN" serve > "$work/$engine.log" 2>&1 &
  server=$!; pids+=("$server")
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/livez" >/dev/null && break; sleep 0.1; done

  # 1. Lag below saturation.
  "$RX" "$rxport" "$secret" "$LAG_CHANGES" > "$work/rx1" & rx=$!; pids+=("$rx")
  sleep 0.3
  send "$LAG_CHANGES" 100 "$RATE" a
  wait "$rx"
  lag50=$(grep -o 'lag_p50_ms=[0-9.]*' "$work/rx1" | cut -d= -f2)
  lag99=$(grep -o 'lag_p99_ms=[0-9.]*' "$work/rx1" | cut -d= -f2)

  # 2. Throughput: a paused endpoint's backlog, then resume.
  "$BIN" webhook pause "$hook" >/dev/null
  send "$CHANGES" 1000 0 b
  "$RX" "$rxport" "$secret" "$CHANGES" > "$work/rx2" & rx=$!; pids+=("$rx")
  sleep 0.3
  t0=$(date +%s.%N)
  "$BIN" webhook resume "$hook" >/dev/null
  wait "$rx"
  last=$(grep -o 'last=[0-9.]*' "$work/rx2" | cut -d= -f2)
  rate=$(python3 -c "print(f'{$CHANGES / ($last - $t0):.0f}')")
  ratio=$(python3 -c "print(f'{$CHANGES / ($last - $t0) / 5000:.2f}x')")

  # 3. The same backlog with 30% of requests failing.
  "$BIN" webhook pause "$hook" >/dev/null
  send "$CHANGES" 1000 0 c
  "$RX" "$rxport" "$secret" "$CHANGES" 30 > "$work/rx3" & rx=$!; pids+=("$rx")
  sleep 0.3
  t0=$(date +%s.%N)
  "$BIN" webhook resume "$hook" >/dev/null
  while [ "$(count "SELECT COUNT(*) FROM outbox WHERE channel = 'webhook' AND sent_at IS NULL AND dead_at IS NULL")" -gt 0 ]; do sleep 0.2; done
  drain=$(python3 -c "import time; print(f'{time.time() - $t0:.1f}s')")
  dead=$(count "SELECT COUNT(*) FROM outbox WHERE channel = 'webhook' AND dead_at IS NOT NULL")
  kill "$rx" 2>/dev/null || true; wait "$rx" 2>/dev/null || true
  failed=$(count "SELECT COALESCE(SUM(attempts), 0) - COUNT(*) FROM outbox WHERE channel = 'webhook' AND sent_at IS NOT NULL")
  bad=$(grep -o 'bad_signatures=[0-9]*' "$work/rx1" "$work/rx2" | cut -d= -f2 | paste -sd+ | bc)
  [ "$bad" -eq 0 ] || { echo "FAIL: $bad requests with bad signatures" >&2; exit 1; }
  kill "$server"; wait "$server" 2>/dev/null || true
  printf "%-9s %8sms %8sms %11s %12s %8s %12s %10s %8s\n" "$engine" "$lag50" "$lag99" "$CHANGES" "$rate" "$ratio" "$drain" "$failed" "$dead"
  if [ "$engine" = postgres ]; then psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db" >/dev/null; fi
done
