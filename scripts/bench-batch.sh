#!/usr/bin/env bash
# Batch API benchmark: POST /v4/clients/batch with 1,000-profile requests (new profiles, each with
# email, customId, firstName and three agreements, so 3,000 ledger events a request), sent by a few
# concurrent clients to a server on a fresh database of each engine. Reports profiles/s beside two
# baselines from the same run: `assent import` of the very same people and answers (a CSV, into another
# fresh database of the engine; the target is 0.5x of it), and the same server's GET /livez
# requests/s. Checks that every accepted profile and consent is stored and that `assent ledger verify`
# passes.
#
#   scripts/bench-batch.sh                         # both engines, 60 requests of 1,000, 4 clients
#   REQUESTS=120 CLIENTS=8 ENGINES=sqlite scripts/bench-batch.sh
#   BIN=/tmp/old/assent scripts/bench-batch.sh       # another build
set -euo pipefail
cd "$(dirname "$0")/.."

REQUESTS="${REQUESTS:-60}"
CLIENTS="${CLIENTS:-4}"
ENGINES="${ENGINES:-sqlite postgres}"
PG_ADMIN="${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
if [ -z "${BIN:-}" ]; then cargo build --release --quiet; BIN=target/release/assent; fi
command -v wrk >/dev/null || { echo "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk; }

work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

# The same people and answers as the requests, as one CSV for `assent import`.
python3 - "$work/people.csv" "$REQUESTS" <<'PY'
import sys
path, requests = sys.argv[1], int(sys.argv[2])
on = lambda b: "enabled" if b else "disabled"
with open(path, "w") as f:
    f.write("email,customId,firstName,newsletter_agreement,sms_agreement,push_agreement\n")
    for r in range(requests):
        for i in range(1000):
            f.write(f"import-{r}-{i}@bench.example,import-{r}-{i},Bench,enabled,{on(i % 2 == 0)},{on(i % 3 == 0)}\n")
PY
printf "%-10s %10s %8s %12s %15s %7s %12s %18s\n" engine profiles seconds "profiles/s" "import prof/s" "of it" "livez req/s" "stored/events"
for engine in $ENGINES; do
  case "$engine" in
    sqlite) url="sqlite://$work/sqlite/assent.db"; mkdir -p "$work/sqlite"
      count() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$work/sqlite/assent.db" "$1"; } ;;
    postgres) db="assent_bench_batch_$$"
      psql -q "$PG_ADMIN" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
      url="${PG_ADMIN%/*}/$db"
      count() { psql -qtA "$url" -c "$1"; } ;;
  esac
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$work/$engine" "$BIN" migrate >/dev/null
  key=$(ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$work/$engine" "$BIN" apikey create --name bench | tail -1)
  ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$work/$engine" ASSENT_BIND="127.0.0.1:$port" \
    ASSENT_SMTP_URL="smtp://127.0.0.1:$closed" ASSENT_LOG=error "$BIN" serve > "$work/$engine.log" 2>&1 &
  server=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/livez" >/dev/null && break; sleep 0.1; done
  livez=$(wrk -t2 -c32 -d5s "http://127.0.0.1:$port/livez" | awk '/^Requests\/sec/ {print $2}')
  result=$(python3 - "$port" "$key" "$REQUESTS" "$CLIENTS" "$engine" <<'PY'
import http.client, json, sys, threading, time
port, key, requests, clients, tag = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
bodies = []
for r in range(requests):
    items = [{"email": f"{tag}-{r}-{i}@bench.example", "customId": f"{tag}-{r}-{i}", "firstName": "Bench",
              "agreements": {"email": True, "sms": i % 2 == 0, "push": i % 3 == 0},
              "consentedAt": "2026-05-01T12:00:00Z"} for i in range(1000)]
    bodies.append(json.dumps(items).encode())
lock, accepted, errors = threading.Lock(), [0], []
def client(mine):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for body in mine:
        c.request("POST", "/v4/clients/batch", body, {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        r = c.getresponse(); answer = json.loads(r.read())
        with lock:
            if r.status != 202 or answer["rejected"]: errors.append((r.status, answer))
            accepted[0] += answer.get("accepted", 0)
threads = [threading.Thread(target=client, args=(bodies[k::clients],)) for k in range(clients)]
t0 = time.monotonic()
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.monotonic() - t0
assert not errors, errors[:3]
print(accepted[0], f"{elapsed:.2f}", f"{accepted[0] / elapsed:.0f}")
PY
)
  kill $server; wait $server 2>/dev/null || true; server=""
  read -r n secs rate <<<"$result"
  stored=$(count "SELECT COUNT(*) FROM profiles")
  events=$(count "SELECT COUNT(*) FROM consent_events")
  [ "$stored" -eq "$n" ] || { echo "FAIL: $n accepted, $stored stored" >&2; exit 1; }
  ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$work/$engine" "$BIN" ledger verify >/dev/null \
    || { echo "FAIL: ledger verify" >&2; exit 1; }
  # The baseline: the same people imported into a fresh database of the engine.
  case "$engine" in
    sqlite) iurl="sqlite://$work/import/assent.db"; mkdir -p "$work/import" ;;
    postgres) idb="${db}_import"; iurl="${PG_ADMIN%/*}/$idb"
      psql -q "$PG_ADMIN" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $idb" -c "CREATE DATABASE $idb" >/dev/null ;;
  esac
  ASSENT_DATABASE_URL="$iurl" ASSENT_DATA_DIR="$work/import" "$BIN" migrate >/dev/null
  i0=$(date +%s.%N)
  ASSENT_DATABASE_URL="$iurl" ASSENT_DATA_DIR="$work/import" "$BIN" import "$work/people.csv" --consented-at 2026-05-01T12:00:00Z >/dev/null
  i1=$(date +%s.%N)
  irate=$(python3 -c "print(f'{$n / ($i1 - $i0):.0f}')")
  share=$(python3 -c "print(f'{$rate / ($n / ($i1 - $i0)):.2f}x')")
  [ "$engine" = postgres ] && psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $idb" >/dev/null
  rm -rf "$work/import"
  printf "%-10s %10d %8s %12s %15s %7s %12s %18s\n" "$engine" "$n" "$secs" "$rate" "$irate" "$share" "$livez" "$stored/$events"
  if [ "$engine" = postgres ]; then psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db" >/dev/null; fi
done
