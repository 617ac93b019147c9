#!/usr/bin/env bash
# Export benchmark: seeds profiles with 3 agreements each directly in SQL, then times `assent export`
# against the engine's own raw CSV dump of the same rows (which writes no signed links), and reports the
# export's peak memory at two sizes.
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
trap 'rm -rf "$work"' EXIT
secs() { python3 -c 'import time; print(time.monotonic())'; }

# Rows for profiles, consents (newsletter for all, sms for every 2nd, push for every 3rd), in one INSERT ... SELECT.
seed_sql() {
  local n=$1 series=$2
  cat <<SQL
INSERT INTO profiles (email, first_name, attributes, form_mails, created_at, updated_at)
  SELECT 'user' || i || '@bench.example', 'Name ' || i, '{}', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM $series;
INSERT INTO consents (profile_id, agreement_id, value, version, occurred_at)
  SELECT id, 1, 'enabled', 1, '2026-01-01 00:00:00' FROM profiles;
INSERT INTO consents (profile_id, agreement_id, value, version, occurred_at)
  SELECT id, 2, CASE WHEN id % 2 = 0 THEN 'enabled' ELSE 'disabled' END, 1, '2026-01-01 00:00:00' FROM profiles;
INSERT INTO consents (profile_id, agreement_id, value, version, occurred_at)
  SELECT id, 3, CASE WHEN id % 3 = 0 THEN 'enabled' ELSE 'disabled' END, 1, '2026-01-01 00:00:00' FROM profiles;
SQL
}

RAW_SELECT="SELECT p.email, p.custom_id, p.phone, p.first_name, p.last_name, p.email_confirmed_at IS NOT NULL,
  c1.value, c2.value, c3.value, p.created_at, p.updated_at FROM profiles p
  LEFT JOIN consents c1 ON c1.profile_id = p.id AND c1.agreement_id = 1
  LEFT JOIN consents c2 ON c2.profile_id = p.id AND c2.agreement_id = 2
  LEFT JOIN consents c3 ON c3.profile_id = p.id AND c3.agreement_id = 3 ORDER BY p.id"

printf "%-10s %10s %14s %14s %7s %14s\n" engine profiles "export rows/s" "raw rows/s" ratio "export peak RSS"
for engine in $ENGINES; do
  for n in $SIZES; do
    case "$engine" in
      sqlite)
        dir="$work/sqlite-$n"; mkdir -p "$dir"; url="sqlite://$dir/assent.db"
        ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" "$BIN" migrate >/dev/null
        sqlite3 "$dir/assent.db" "$(seed_sql "$n" "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n) SELECT i FROM s)")"
        raw() { sqlite3 -csv "$dir/assent.db" "$RAW_SELECT" > /dev/null; } ;;
      postgres)
        db="assent_bench_export_$$_$n"; dir="$work/pg-$n"; mkdir -p "$dir"
        psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
        url="${PG_ADMIN%/*}/$db"
        ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" "$BIN" migrate >/dev/null
        psql -q "$url" -c "$(seed_sql "$n" "generate_series(1, $n) AS s(i)")" >/dev/null
        psql -q "$url" -c "VACUUM ANALYZE" >/dev/null
        raw() { psql -q "$url" -c "\\copy ($RAW_SELECT) TO STDOUT CSV" > /dev/null; } ;;
    esac
    t0=$(secs); raw; t1=$(secs)
    ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" ASSENT_BASE_URL=https://consent.example \
      /usr/bin/time -f "%M" -o "$work/rss" "$BIN" export -o "$dir/out.csv" 2>/dev/null
    t2=$(secs)
    rows=$(($(wc -l < "$dir/out.csv") - 1))
    [ "$rows" -eq "$n" ] || { echo "FAIL: exported $rows rows, expected $n" >&2; exit 1; }
    printf "%-10s %10d %14.0f %14.0f %6.2fx %11.1f MiB\n" "$engine" "$n" \
      "$(python3 -c "print($n / ($t2 - $t1))")" "$(python3 -c "print($n / ($t1 - $t0))")" \
      "$(python3 -c "print(($t1 - $t0) / ($t2 - $t1))")" "$(python3 -c "print($(cat "$work/rss") / 1024)")"
    [ "$engine" = postgres ] && psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db" >/dev/null
  done
done
