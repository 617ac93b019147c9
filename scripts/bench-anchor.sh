#!/usr/bin/env bash
# Anchor benchmark: PROFILES profiles (1,000,000; each agreement enabled with probability 0.6, about 1.8
# ledger events a profile) imported into a fresh database of each engine, then
#   - `assent ledger verify` before any anchor: the chain check Assent always had (the baseline);
#   - `assent ledger anchor`: its time and peak RSS, as a share of the baseline;
#   - `assent ledger verify --anchor`: chains and the anchor, and what the anchor's check added;
#   - consent changes through the batch API (4 clients, 10 changes a request, for SECONDS) on a server
#     over the same database, alone and then while anchors of the whole ledger are made back to back
#     (an anchor must not stop the writers), and every anchor made meanwhile checked afterwards.
#
#   scripts/bench-anchor.sh
#   PROFILES=100000 ENGINES=sqlite scripts/bench-anchor.sh
#   BIN=/tmp/old/assent scripts/bench-anchor.sh      # another build
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILES="${PROFILES:-1000000}"
ENGINES="${ENGINES:-sqlite postgres}"
SECONDS_EACH="${SECONDS_EACH:-10}"
PG_ADMIN="${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
PORT="${PORT:-18183}"
if [ -z "${BIN:-}" ]; then cargo build --release --quiet; BIN=target/release/assent; fi
[ -x /usr/bin/time ] || { echo "installing time"; apt-get update -qq && apt-get install -y -qq time; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-anchor.XXXXXX")
server=""; looping=""
cleanup() {
  [ -n "$looping" ] && kill "$looping" 2>/dev/null || true
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

csv="$work/profiles.csv"
python3 - "$csv" "$PROFILES" <<'PY'
import random, sys
path, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(20261207)
with open(path, "w") as f:
    f.write("email,customId,firstName,newsletter_agreement,sms_agreement,push_agreement\n")
    for i in range(n):
        a = ["enabled" if rnd.random() < 0.6 else "" for _ in range(3)]
        f.write(f"person{i}@bench.example,crm-{i},Person {i},{a[0]},{a[1]},{a[2]}\n")
PY

# Consent changes through the batch API: 4 clients, 10 people a request (each turning their agreements
# on or off, so every request writes ledger events), for SECONDS_EACH; prints "changes/s p99-ms".
cat > "$work/writers.py" <<'PY'
import http.client, json, sys, threading, time
port, key, seconds, tag = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
stop = time.monotonic() + seconds
lock, latencies, changes, errors = threading.Lock(), [], [0], []
def client(c_id):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    r = 0
    while time.monotonic() < stop:
        items = [{"email": f"w{tag}-{c_id}-{(r * 10 + i) % 500}@writers.example",
                  "agreements": {"email": r % 2 == 0, "sms": (r + i) % 3 == 0}} for i in range(10)]
        t = time.monotonic()
        c.request("POST", "/v4/clients/batch", json.dumps(items), {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        resp = c.getresponse(); body = resp.read()
        with lock:
            latencies.append(time.monotonic() - t)
            if resp.status != 202: errors.append((resp.status, body[:200]))
            else: changes[0] += 10
        r += 1
threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
start = time.monotonic()
[t.start() for t in threads]; [t.join() for t in threads]
if errors: sys.exit(f"errors: {errors[:3]}")
latencies.sort()
print(f"{changes[0] / (time.monotonic() - start):.0f} {latencies[int(len(latencies) * 0.99)] * 1000:.1f}")
PY

# "seconds peak-RSS-KiB" of a command (its output to $work/out).
timed() {
  local s e
  s=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$@" > "$work/out" 2>&1 || { cat "$work/out"; exit 1; }
  e=$(date +%s.%N)
  echo "$(python3 -c "print(f'{$e - $s:.2f}')") $(cat "$work/rss")"
}

declare -A RESULT
for engine in $ENGINES; do
  case "$engine" in
    sqlite) dir="$work/sqlite"; mkdir -p "$dir"; url="sqlite://$dir/assent.db" ;;
    postgres)
      db="assent_bench_anchor_$$"
      psql -q "$PG_ADMIN" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
      url="${PG_ADMIN%/*}/$db"; dir="$work/pg"; mkdir -p "$dir" ;;
    *) echo "unknown engine $engine" >&2; exit 1 ;;
  esac
  export ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" ASSENT_LOG=error
  "$BIN" migrate >/dev/null
  echo "$engine: importing $PROFILES profiles"
  "$BIN" import "$csv" > "$work/import.out" || { cat "$work/import.out"; exit 1; }
  read -r chains _ <<<"$(timed "$BIN" ledger verify)"
  events=$(awk '/every hash chain intact/ {print $5}' "$work/out")
  read -r anchor rss <<<"$(timed "$BIN" ledger anchor)"
  sed -n '/^{/,/^}/p' "$work/out" > "$work/anchor.json"
  read -r verify _ <<<"$(timed "$BIN" ledger verify --anchor "$work/anchor.json")"
  grep -q "holds: every chain head" "$work/out" || { cat "$work/out"; exit 1; }

  # Writers alone, then writers while the whole ledger is anchored again and again.
  key=$("$BIN" apikey create --name bench | tail -1)
  closed_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  ASSENT_BIND="127.0.0.1:$PORT" ASSENT_SMTP_URL="smtp://127.0.0.1:$closed_port" ASSENT_LEDGER_ANCHOR_HOURS=0 \
    "$BIN" serve > "$work/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
  read -r alone alone_p99 <<<"$(python3 "$work/writers.py" "$PORT" "$key" "$SECONDS_EACH" a)"
  ( while true; do "$BIN" ledger anchor > /dev/null 2>&1; done ) &
  looping=$!
  read -r during during_p99 <<<"$(python3 "$work/writers.py" "$PORT" "$key" "$SECONDS_EACH" b)"
  kill "$looping"; wait "$looping" 2>/dev/null || true; looping=""
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  # Every anchor made while the writers wrote must hold.
  "$BIN" ledger verify > "$work/final" || { cat "$work/final"; exit 1; }
  made=$(( $(grep -c "^stored anchor .* holds" "$work/final") - 1 ))
  RESULT[$engine]="$events $chains $anchor $rss $verify $alone $alone_p99 $during $during_p99 $made"
  [ "$engine" = postgres ] && psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db" >/dev/null
  unset ASSENT_DATABASE_URL ASSENT_DATA_DIR
done

echo
echo "$PROFILES profiles on $(nproc) cores; the anchor and the anchored verify beside the chain check of the same ledger"
printf "%-9s %9s %12s %10s %8s %10s %16s %8s\n" engine events "chains (s)" "anchor (s)" ratio "peak RSS" "verify+anchor (s)" ratio
for engine in $ENGINES; do
  read -r events chains anchor rss verify _ _ _ _ _ <<<"${RESULT[$engine]}"
  printf "%-9s %9s %12s %10s %7.2fx %6.1f MiB %16s %7.2fx\n" "$engine" "$events" "$chains" "$anchor" \
    "$(awk "BEGIN {print $anchor / $chains}")" "$(awk "BEGIN {print $rss / 1024}")" "$verify" "$(awk "BEGIN {print $verify / $chains}")"
done
echo
echo "consent changes by the batch API (4 clients, 10 a request, ${SECONDS_EACH} s) alone and while anchors of the whole ledger were made back to back"
printf "%-9s %16s %10s %16s %10s %8s %9s\n" engine "alone /s" "p99 ms" "anchoring /s" "p99 ms" ratio anchors
for engine in $ENGINES; do
  read -r _ _ _ _ _ alone alone_p99 during during_p99 made <<<"${RESULT[$engine]}"
  printf "%-9s %16.0f %10s %16.0f %10s %7.2fx %9s\n" "$engine" "$alone" "$alone_p99" "$during" "$during_p99" \
    "$(awk "BEGIN {print $during / $alone}")" "$made"
done
