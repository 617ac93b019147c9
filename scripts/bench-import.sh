#!/usr/bin/env bash
# Import benchmark: a generated CSV of ROWS profiles (email, customId, firstName and three agreement
# columns) imported with `assent import` into a fresh database of each engine, beside the engine's own
# bulk loader reading the same file into a plain table in the same run (`sqlite3 .import --csv`,
# `psql \copy`). Reports profiles/s, the ratio to the raw loader, and the import's peak RSS, and checks
# that every profile and consent is stored and that `assent ledger verify` passes.
#
# It also measures the engine's own ceiling for Assent's schema: the bulk loader's table copied by
# INSERT ... SELECT, in one transaction, into a fresh migrated database's profiles, consent_events (one
# event per answer, a "no" kept as proof of the refusal, with 64-hex digests and hashes like real ones)
# and consents, so with every
# index, constraint and foreign key the ledger has. No import can be faster than that; the `of ceiling`
# column is the import's rate as a share of it.
#
#   scripts/bench-import.sh                       # 100,000 and 1,000,000 rows, both engines
#   SIZES=200000 ENGINES=sqlite scripts/bench-import.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${SIZES:-100000 1000000}"
ENGINES="${ENGINES:-sqlite postgres}"
PG_ADMIN="${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
if [ -z "${BIN:-}" ]; then cargo build --release --quiet; BIN=target/release/assent; fi
command -v sqlite3 >/dev/null || { echo "installing sqlite3"; apt-get update -qq && apt-get install -y -qq sqlite3; }
[ -x /usr/bin/time ] || { echo "installing time"; apt-get update -qq && apt-get install -y -qq time; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-import.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The rows an import of the benchmark file writes, as set-based SQL from the plain table `raw`: the
# profiles, then an event and a current value per answer: "enabled" for a yes, and for a no the proof of
# the refusal (value and previous both "disabled"); a profile's later events chain on, so their prev_hash
# is set.
ceiling_sql() {
  local hex=$1 at=$2 sql
  sql="INSERT INTO profiles (email, custom_id, first_name, attributes, created_at, updated_at, consent_mask)
       SELECT email, custom_id, first_name, '{}', $at, $at, 0 FROM raw;"
  for spec in "1:newsletter_agreement:a:'yes':NULL" "2:sms_agreement:b:'1':$hex" "3:push_agreement:c:'true':$hex"; do
    IFS=: read -r id key col yes prev <<<"$spec"
    sql="$sql
       INSERT INTO consent_events (profile_id, agreement_id, agreement_key, value, previous, version, text_sha256,
         source, occurred_at, recorded_at, email_digest, language, prev_hash, hash)
       SELECT p.id, $id, '$key', CASE WHEN raw.$col = $yes THEN 'enabled' ELSE 'disabled' END, 'disabled', 1, $hex,
         'import:1', $at, $at, $hex, 'en', $prev, $hex
       FROM raw JOIN profiles p ON p.email = raw.email;
       INSERT INTO consents (profile_id, agreement_id, value, version, occurred_at)
       SELECT p.id, $id, CASE WHEN raw.$col = $yes THEN 'enabled' ELSE 'disabled' END, 1, $at
       FROM raw JOIN profiles p ON p.email = raw.email;"
  done
  printf '%s' "$sql"
}

seconds() { python3 -c "import sys; print(f'{float(sys.argv[1]):.2f}')" "$1"; }
printf "%-9s %9s %10s %12s %12s %7s %12s %10s %10s %s\n" engine rows seconds "profiles/s" "raw rows/s" ratio "ceiling/s" "of ceiling" "peak RSS" "stored/events"
for rows in $SIZES; do
  csv="$work/profiles-$rows.csv"
  python3 - "$csv" "$rows" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("email,customId,firstName,newsletter_agreement,sms_agreement,push_agreement\n")
    for i in range(n):
        f.write(f"person{i}@bench.example,crm-{i},Person {i},{'yes' if i % 2 == 0 else 'no'},{1 if i % 3 == 0 else 0},{'true' if i % 5 == 0 else 'false'}\n")
PY
  # Every answer gives an event: a yes the change, a no to an agreement never set the proof of the
  # refusal (which an older "yes" can then never revive).
  expect_events=$((3 * rows))
  for engine in $ENGINES; do
    case "$engine" in
      sqlite)
        dir="$work/sqlite-$rows"; mkdir -p "$dir"; url="sqlite://$dir/assent.db"
        count() { sqlite3 "$dir/assent.db" "$1"; }
        raw_start=$(date +%s.%N)
        sqlite3 "$dir/raw.db" "CREATE TABLE raw (email TEXT, custom_id TEXT, first_name TEXT, a TEXT, b TEXT, c TEXT);" ".import --csv --skip 1 $csv raw"
        raw_end=$(date +%s.%N)
        mkdir -p "$dir/ceiling"
        ASSENT_DATABASE_URL="sqlite://$dir/ceiling/assent.db" ASSENT_DATA_DIR="$dir/ceiling" "$BIN" migrate >/dev/null
        hex="printf('%016x%016x%016x%016x', random(), random(), random(), random())"
        ceil_start=$(date +%s.%N)
        sqlite3 "$dir/ceiling/assent.db" "PRAGMA journal_mode = WAL;" "PRAGMA synchronous = FULL;" "PRAGMA foreign_keys = ON;" \
          "CREATE TEMP TABLE raw (email TEXT, custom_id TEXT, first_name TEXT, a TEXT, b TEXT, c TEXT);" ".import --csv --skip 1 $csv raw" \
          "BEGIN;" "$(ceiling_sql "$hex" "'2026-11-29 18:00:00.000000'")" "COMMIT;" >/dev/null
        ceil_end=$(date +%s.%N) ;;
      postgres)
        db="assent_bench_import_$$"
        psql -q "$PG_ADMIN" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
        url="${PG_ADMIN%/*}/$db"; dir="$work/pg-$rows"; mkdir -p "$dir"
        count() { psql -qtA "$url" -c "$1"; }
        psql -q "$url" -c "CREATE TABLE raw (email TEXT, custom_id TEXT, first_name TEXT, a TEXT, b TEXT, c TEXT)"
        raw_start=$(date +%s.%N)
        psql -q "$url" -c "\\copy raw FROM '$csv' WITH (FORMAT csv, HEADER true)"
        raw_end=$(date +%s.%N)
        cdb="${db}_ceiling"
        psql -q "$PG_ADMIN" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $cdb" -c "CREATE DATABASE $cdb" >/dev/null
        curl_="${PG_ADMIN%/*}/$cdb"
        ASSENT_DATABASE_URL="$curl_" ASSENT_DATA_DIR="$dir" "$BIN" migrate >/dev/null
        hex="md5(random()::text) || md5(random()::text)"
        ceil_start=$(date +%s.%N)
        psql -q "$curl_" -c "CREATE TEMP TABLE raw (email TEXT, custom_id TEXT, first_name TEXT, a TEXT, b TEXT, c TEXT)" \
          -c "\\copy raw FROM '$csv' WITH (FORMAT csv, HEADER true)" \
          -c "BEGIN" -c "$(ceiling_sql "$hex" "TIMESTAMP '2026-11-29 18:00:00'")" -c "COMMIT" >/dev/null
        ceil_end=$(date +%s.%N)
        psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $cdb" >/dev/null ;;
    esac
    ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" "$BIN" migrate >/dev/null
    start=$(date +%s.%N)
    ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" /usr/bin/time -f "%M" -o "$dir/rss" "$BIN" import "$csv" > "$dir/out"
    end=$(date +%s.%N)
    stored=$(count "SELECT count(*) FROM profiles")/$(count "SELECT count(*) FROM consent_events")
    ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" "$BIN" ledger verify > "$dir/verify" || { echo "ledger verify failed"; cat "$dir/verify"; exit 1; }
    [ "$stored" = "$rows/$expect_events" ] || { echo "expected $rows/$expect_events stored, found $stored"; cat "$dir/out"; exit 1; }
    python3 - "$engine" "$rows" "$start" "$end" "$raw_start" "$raw_end" "$ceil_start" "$ceil_end" "$(cat "$dir/rss")" "$stored" <<'PY'
import sys
engine, rows = sys.argv[1], int(sys.argv[2])
s, e, rs, re_, cs, ce = map(float, sys.argv[3:9])
rss, stored = int(sys.argv[9]), sys.argv[10]
rate, raw, ceiling = rows / (e - s), rows / (re_ - rs), rows / (ce - cs)
print(f"{engine:<9} {rows:>9} {e - s:>10.2f} {rate:>12,.0f} {raw:>12,.0f} {rate / raw:>6.2f}x {ceiling:>12,.0f} {rate / ceiling:>9.2f}x {rss / 1024:>6.1f} MiB {stored}")
PY
    [ "$engine" = postgres ] && psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db" >/dev/null
  done
done
