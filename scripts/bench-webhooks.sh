#!/usr/bin/env bash
# Webhook delivery benchmark, per engine, against a fast local receiver (examples/webhook_receiver.rs:
# the test suite's receiver, which verifies every signature with the `standardwebhooks` crate):
#   0. the receiver's own ceiling: the receiver alone under `wrk` with one pre-signed request (requests/s
#      it can verify and answer), the baseline for the deliveries/s below;
#   1. lag: changes made at a steady rate below saturation (RATE changes/s through the batch API, 100 per
#      request), LAG_RUNS times; the receiver reports the lag from when each change was recorded to its
#      arrival (median and 99th percentile);
#   2. throughput: CHANGES consent changes queued while the endpoint is paused, then resumed; reports
#      deliveries/s from the first arrival to the last (the target is 5,000/s) and its share of the
#      ceiling, and from the resume to the last arrival (a lane resumed by another process starts
#      within a second);
#      with NODES=2 (PostgreSQL) again with a second server node on the same database;
#   3. the same backlog with the receiver failing 30% of requests; reports the time to drain and any
#      dead letters. The retry schedule is scaled (ASSENT_WEBHOOK_FIRST_RETRY_MS, default here 1 ms:
#      1 ms, 60 ms, 360 ms, 1.4 s, 3.6 s, 7.2 s, 17 s), since the real one (5 s … 24 h) drains in hours.
# Each phase's receiver listens before the endpoint is paused, so no delivery ever meets a closed port
# (those wait out the worker's back-off and made the drain swing between runs). Every phase checks that
# nothing was delivered twice and that no person's changes arrived out of order.
#
#   scripts/bench-webhooks.sh                          # both engines, 100,000 changes, 3 lag runs
#   CHANGES=20000 ENGINES=sqlite scripts/bench-webhooks.sh
#   NODES=1 scripts/bench-webhooks.sh                  # without the two-node run
#   BIN=/tmp/old/assent scripts/bench-webhooks.sh      # another build
set -euo pipefail
cd "$(dirname "$0")/.."

CHANGES="${CHANGES:-100000}"
RATE="${RATE:-1000}"
LAG_CHANGES="${LAG_CHANGES:-10000}"
LAG_RUNS="${LAG_RUNS:-3}"
NODES="${NODES:-2}"
FIRST_RETRY_MS="${FIRST_RETRY_MS:-1}"
ENGINES="${ENGINES:-sqlite postgres}"
PG_ADMIN="${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
cargo build --release --quiet --example webhook_receiver
if [ -z "${BIN:-}" ]; then cargo build --release --quiet; BIN=target/release/assent; fi
RX=target/release/examples/webhook_receiver

command -v wrk >/dev/null || { echo "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk; }
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

# Checks a receiver's line: no bad signature, nothing twice, nothing out of order.
checked() {
  local line; line=$(cat "$1")
  for k in bad_signatures twice out_of_order; do
    [ "$(grep -o "$k=[0-9]*" <<<"$line" | cut -d= -f2)" = 0 ] || { echo "FAIL: $k in $1: $line" >&2; exit 1; }
  done
}
field() { grep -o "$2=[0-9.]*" "$1" | cut -d= -f2; }

# 0. The receiver's own ceiling, the same for both engines.
rxport=$(free_port)
ceiling_secret="whsec_$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(24)).decode())')"
"$RX" "$rxport" "$ceiling_secret" 0 > /dev/null & rx=$!; pids+=("$rx")
python3 - "$ceiling_secret" > "$work/signed.lua" <<'PY'
import base64, hashlib, hmac, json, sys, time
secret = base64.b64decode(sys.argv[1].removeprefix("whsec_"))
body = json.dumps({"type": "consent.changed", "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                   "data": {"email": "ceiling@bench.example", "agreement": "newsletter_agreement", "value": "enabled",
                            "previous": "disabled", "source": "api:bench", "occurredAt": "2026-01-01T00:00:00Z", "eventId": 1}})
mid, ts = "msg_ceiling", str(int(time.time()))
sig = base64.b64encode(hmac.new(secret, f"{mid}.{ts}.{body}".encode(), hashlib.sha256).digest()).decode()
print(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\nwrk.headers["Content-Type"] = "application/json"')
print(f'wrk.headers["webhook-id"] = "{mid}"\nwrk.headers["webhook-timestamp"] = "{ts}"\nwrk.headers["webhook-signature"] = "v1,{sig}"')
PY
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$rxport/hooks" && break; sleep 0.1; done
ceiling=$(wrk -t2 -c16 -d5s -s "$work/signed.lua" "http://127.0.0.1:$rxport/hooks" | awk '/^Requests\/sec/ {printf "%.0f", $2}')
kill "$rx"; wait "$rx" 2>/dev/null || true
echo "receiver ceiling (wrk, 16 connections, one signed request verified per request): $ceiling requests/s"

printf "%-9s %5s %28s %8s %12s %8s %12s %10s %10s %5s\n" engine nodes "lag p50/p99 ms (each run)" changes "deliveries/s" "of ceil" "from resume" "drain@30%" "failed req" dead
for engine in $ENGINES; do
  case "$engine" in
    sqlite) url="sqlite://$work/sqlite/assent.db"; mkdir -p "$work/sqlite"
      count() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$work/sqlite/assent.db" "$1"; } ;;
    postgres) db="assent_bench_hooks_$$"
      psql -q "$PG_ADMIN" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
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
  # A server node on this database at port $1, once it answers.
  serve_node() {
    ASSENT_BIND="127.0.0.1:$1" ASSENT_SMTP_URL="smtp://127.0.0.1:$closed" "$BIN" serve > "$work/$engine-$1.log" 2>&1 &
    pids+=("$!")
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$1/livez" >/dev/null && break; sleep 0.1; done
  }
  serve_node "$port"

  # 1. Lag below saturation, LAG_RUNS times (new people each run, so every change is recorded).
  lags=()
  for run in $(seq "$LAG_RUNS"); do
    "$RX" "$rxport" "$secret" "$LAG_CHANGES" > "$work/rx1-$run" & rx=$!; pids+=("$rx")
    sleep 0.3
    send "$LAG_CHANGES" 100 "$RATE" "a$run-"
    wait "$rx"; checked "$work/rx1-$run"
    lags+=("$(field "$work/rx1-$run" lag_p50_ms)/$(field "$work/rx1-$run" lag_p99_ms)")
  done

  # 2. Throughput: a paused endpoint's backlog, then resume (the receiver listening all along).
  backlog() {  # $1 tag, $2 fail percent; sets $rate, $t0 and $rxfile
    rxfile="$work/rx-$1"
    "$RX" "$rxport" "$secret" "$CHANGES" $2 > "$rxfile" & rx=$!; pids+=("$rx")
    "$BIN" webhook pause "$hook" >/dev/null
    send "$CHANGES" 1000 0 "$1"
    t0=$(date +%s.%N)
    "$BIN" webhook resume "$hook" >/dev/null
  }
  backlog b ""
  # A delivered backlog's figures: "deliveries/s share-of-ceiling from-resume".
  figures() {
    python3 -c "first, last, n = $(field "$rxfile" first), $(field "$rxfile" last), $CHANGES
print(f'{n / (last - first):.0f} {n / (last - first) / $ceiling:.2f}x {n / (last - $t0):.0f}')"
  }
  wait "$rx"; checked "$rxfile"
  read -r rate share resumed <<<"$(figures)"

  # 3. The same backlog with 30% of requests failing.
  backlog c 30
  while [ "$(count "SELECT COUNT(*) FROM outbox WHERE channel = 'webhook' AND sent_at IS NULL AND dead_at IS NULL")" -gt 0 ]; do sleep 0.2; done
  drain=$(python3 -c "import time; print(f'{time.time() - $t0:.1f}s')")
  dead=$(count "SELECT COUNT(*) FROM outbox WHERE channel = 'webhook' AND dead_at IS NOT NULL")
  if [ "$dead" -eq 0 ]; then wait "$rx"; checked "$rxfile"; else kill "$rx" 2>/dev/null || true; fi
  failed=$(count "SELECT COALESCE(SUM(attempts), 0) - COUNT(*) FROM outbox WHERE channel = 'webhook' AND sent_at IS NOT NULL")
  printf "%-9s %5s %28s %8s %12s %8s %12s %10s %10s %5s\n" "$engine" 1 "$(IFS=' '; echo "${lags[*]}")" "$CHANGES" "$rate" "$share" "$resumed" "$drain" "$failed" "$dead"

  # 2'. Two nodes on one PostgreSQL: the same backlog, delivered by both.
  if [ "$engine" = postgres ] && [ "$NODES" -ge 2 ]; then
    serve_node "$(free_port)"
    backlog d ""
    wait "$rx"; checked "$rxfile"
    read -r rate2 share2 resumed2 <<<"$(figures)"
    printf "%-9s %5s %28s %8s %12s %8s %12s %10s %10s %5s\n" "$engine" 2 "" "$CHANGES" "$rate2" "$share2" "$resumed2" "" "" ""
  fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; pids=()
  wait 2>/dev/null || true
  if [ "$engine" = postgres ]; then psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db" >/dev/null; fi
done
