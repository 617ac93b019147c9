#!/usr/bin/env bash
# Export and dashboard benchmark: seeds profiles with 3 agreements each (and one ledger event each,
# spread over 120 days) directly in SQL, then times `assent export` against the engine's own CSV dump
# (`sqlite3 -csv`, `psql \copy (SELECT ...) TO`), all written to a file on the same disk, of
#   - the same rows and columns, the agreement values pivoted from `consents` with a join and GROUP BY
#     (less the signed links, which only Assent can make): the baseline the export is held to;
#   - the same rows and columns with the values read from the profile's consent mask, as the export does;
#   - the profile columns alone (no agreement values);
# reports the export's peak memory, and
# times the dashboard overview and a three-agreement audience count on a running server (first request,
# then the median of 5).
#
#   scripts/bench-export.sh                      # both engines, 100,000 and 1,000,000 profiles
#   SIZES="100000" ENGINES=sqlite scripts/bench-export.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${SIZES:-100000 1000000}"
ENGINES="${ENGINES:-sqlite postgres}"
PG_ADMIN="${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
if [ -z "${BIN:-}" ]; then cargo build --release --quiet; BIN=target/release/assent; fi
command -v sqlite3 >/dev/null || { echo "installing sqlite3"; apt-get install -y -qq sqlite3; }

work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
secs() { python3 -c 'import time; print(time.monotonic())'; }

# shellcheck source=scripts/seed.sh
. scripts/seed.sh

# The same rows and columns as the export, the values pivoted from consents, without the signed links.
PIVOT_SELECT="SELECT p.email, p.custom_id, p.phone, p.first_name, p.last_name, p.email_confirmed_at IS NOT NULL,
  COALESCE(MAX(CASE WHEN c.agreement_id = 1 THEN c.value END), 'disabled'),
  COALESCE(MAX(CASE WHEN c.agreement_id = 2 THEN c.value END), 'disabled'),
  COALESCE(MAX(CASE WHEN c.agreement_id = 3 THEN c.value END), 'disabled'),
  p.created_at, p.updated_at FROM profiles p LEFT JOIN consents c ON c.profile_id = p.id
  WHERE p.erased_at IS NULL GROUP BY p.id ORDER BY p.id"
# The profile columns alone.
ALONE_SELECT="SELECT email, custom_id, phone, first_name, last_name, email_confirmed_at IS NOT NULL, created_at, updated_at
  FROM profiles WHERE erased_at IS NULL ORDER BY id"
# The same rows and columns, the values from the same consent mask as the export reads.
RAW_SELECT="SELECT email, custom_id, phone, first_name, last_name, email_confirmed_at IS NOT NULL,
  CASE WHEN consent_mask & 1 <> 0 THEN 'enabled' ELSE 'disabled' END,
  CASE WHEN consent_mask & 2 <> 0 THEN 'enabled' ELSE 'disabled' END,
  CASE WHEN consent_mask & 4 <> 0 THEN 'enabled' ELSE 'disabled' END,
  created_at, updated_at FROM profiles WHERE erased_at IS NULL ORDER BY id"

# Signs in to a running server at $1 and prints "first median" seconds for GET $2 (5 more requests).
time_page() {
  local base=$1 path=$2 jar="$work/jar" token
  rm -f "$jar"
  token=$(curl -s -c "$jar" -b "$jar" "$base/admin/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
  curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "email=bench@bench.example" \
    --data-urlencode "password=$ADMIN_PASSWORD" --data-urlencode "csrf_token=$token" "$base/admin/login"
  for _ in 1 2 3 4 5 6; do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -b "$jar" "$base$path"
  done | python3 -c '
import sys, statistics
rows = [l.split() for l in sys.stdin]
assert all(code == "200" for code, _ in rows), rows
t = [float(x) for _, x in rows]
print("%.0f ms %.0f ms" % (t[0] * 1000, statistics.median(t[1:]) * 1000))'
}
ADMIN_PASSWORD="correct horse battery staple 42"

printf "%-9s %9s %13s %12s %7s %12s %7s %12s %7s %9s %18s %18s\n" engine profiles "export rows/s" "pivot rows/s" "of it" \
  "mask rows/s" "of it" "alone rows/s" "of it" "peak RSS" "overview 1st/med" "audience 1st/med"
for engine in $ENGINES; do
  for n in $SIZES; do
    case "$engine" in
      sqlite)
        dir="$work/sqlite-$n"; mkdir -p "$dir"; url="sqlite://$dir/assent.db"
        ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" "$BIN" migrate >/dev/null
        sqlite3 "$dir/assent.db" "$(seed_sql "$n" "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n) SELECT i FROM s)" "datetime('now', '-' || (id % 120) || ' days')")"
        raw() { sqlite3 -csv "$dir/assent.db" "$1" > "$dir/raw.csv"; } ;;
      postgres)
        db="assent_bench_export_$$_$n"; dir="$work/pg-$n"; mkdir -p "$dir"
        psql -q "$PG_ADMIN" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
        url="${PG_ADMIN%/*}/$db"
        ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" "$BIN" migrate >/dev/null
        psql -q "$url" -c "$(seed_sql "$n" "generate_series(1, $n) AS s(i)" "(now() at time zone 'utc') - (id % 120) * interval '1 day'")" >/dev/null
        psql -q "$url" -c "VACUUM ANALYZE" >/dev/null
        raw() { psql -q "$url" -c "\\copy ($(tr '\n' ' ' <<<"$1")) TO STDOUT CSV" > "$dir/raw.csv"; } ;;
    esac
    base=()
    for q in "$PIVOT_SELECT" "$RAW_SELECT" "$ALONE_SELECT"; do
      t0=$(secs); raw "$q"; t1=$(secs)
      [ "$(wc -l < "$dir/raw.csv")" -eq "$n" ] || { echo "FAIL: a baseline wrote $(wc -l < "$dir/raw.csv") rows" >&2; exit 1; }
      base+=("$(python3 -c "print($t1 - $t0)")")
    done
    t1=$(secs)
    ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" ASSENT_BASE_URL=https://consent.example \
      /usr/bin/time -f "%M" -o "$work/rss" "$BIN" export -o "$dir/out.csv" 2>/dev/null
    t2=$(secs)
    rows=$(($(wc -l < "$dir/out.csv") - 1))
    [ "$rows" -eq "$n" ] || { echo "FAIL: exported $rows rows, expected $n" >&2; exit 1; }
    # The dashboard on a running server: the overview, and an audience over all three agreements.
    ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" ASSENT_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
      "$BIN" admin create --email bench@bench.example --role admin >/dev/null
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" ASSENT_BIND="127.0.0.1:$port" ASSENT_LOG=warn \
      ASSENT_UNCONFIRMED_RETENTION_DAYS=0 ASSENT_LEDGER_ANCHOR_HOURS=0 "$BIN" serve &
    server=$!
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/livez" >/dev/null && break; sleep 0.1; done
    curl -sf "http://127.0.0.1:$port/livez" >/dev/null || { echo "FAIL: the server did not start" >&2; exit 1; }
    overview=$(time_page "http://127.0.0.1:$port" "/admin")
    audience=$(time_page "http://127.0.0.1:$port" "/admin/audiences?rule=all&agreement=newsletter_agreement&agreement=sms_agreement&agreement=push_agreement")
    kill $server; wait $server 2>/dev/null || true; server=""
    took=$(python3 -c "print($t2 - $t1)")
    python3 - "$engine" "$n" "$took" "${base[@]}" "$(cat "$work/rss")" "$overview" "$audience" <<'PY'
import sys
engine, n, took = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
pivot, mask, alone = map(float, sys.argv[4:7])
rss, overview, audience = int(sys.argv[7]), sys.argv[8], sys.argv[9]
cells = [f"{n / t:>12,.0f} {t / took:>6.2f}x" for t in (pivot, mask, alone)]
print(f"{engine:<9} {n:>9} {n / took:>13,.0f} {' '.join(cells)} {rss / 1024:>5.1f} MiB {overview:>18} {audience:>18}")
PY
    if [ "$engine" = postgres ]; then psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db" >/dev/null; fi
  done
done
