#!/usr/bin/env bash
# Import benchmark: a generated CSV of ROWS profiles (email, customId, firstName and three agreement
# columns, each agreement "enabled" with probability 0.6, so about 1.8 ledger events a profile) imported
# with `assent import` into a fresh database of each engine. Beside it, in the same run:
#   - the yardstick: the engine storing the very rows the import wrote. `profiles`, `consent_events`
#     and `consents` are copied from the imported database into a second, freshly migrated one, in one
#     transaction, with every index, trigger and foreign key in place (SQLite: ATTACH and
#     INSERT ... SELECT *; PostgreSQL: \copy TO files beforehand, then \copy FROM them, timed). No
#     import can store those rows faster; `of yardstick` is the import's rate as a share of it;
#   - the raw loader reading the file into a plain table (`sqlite3 .import --csv`, `psql \copy`);
#   - the set-based ceiling: that plain table turned into Assent's rows by INSERT ... SELECT.
# It also reports the import's peak RSS, and checks that every profile and consent is stored and that
# `assent ledger verify` passes.
#
#   scripts/bench-import.sh                       # 100,000 and 1,000,000 rows, both engines
#   SIZES=200000 ENGINES=sqlite scripts/bench-import.sh
#   BIN=/tmp/old/assent scripts/bench-import.sh   # another build
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
TABLES="profiles consent_events consents"

# The rows an import of the benchmark file writes, as set-based SQL from the plain table `raw`: the
# profiles, then an event and a current value per "enabled" answer (an empty cell writes nothing); a
# profile's later events chain on, so their prev_hash is set.
ceiling_sql() {
  local hex=$1 at=$2 sql
  sql="INSERT INTO profiles (email, custom_id, first_name, attributes, created_at, updated_at, consent_mask)
       SELECT email, custom_id, first_name, '{}', $at, $at, 0 FROM raw;"
  for spec in "1:newsletter_agreement:a:NULL" "2:sms_agreement:b:$hex" "3:push_agreement:c:$hex"; do
    IFS=: read -r id key col prev <<<"$spec"
    sql="$sql
       INSERT INTO consent_events (profile_id, agreement_id, agreement_key, value, previous, version, text_sha256,
         source, occurred_at, recorded_at, email_digest, language, prev_hash, hash)
       SELECT p.id, $id, '$key', 'enabled', 'disabled', 1, $hex,
         'import:1', $at, $at, $hex, 'en', $prev, $hex
       FROM raw JOIN profiles p ON p.email = raw.email WHERE raw.$col = 'enabled';
       INSERT INTO consents (profile_id, agreement_id, value, version, occurred_at)
       SELECT p.id, $id, 'enabled', 1, $at
       FROM raw JOIN profiles p ON p.email = raw.email WHERE raw.$col = 'enabled';"
  done
  printf '%s' "$sql"
}

fresh_pg() { psql -q "$PG_ADMIN" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null; }
printf "%-9s %9s %8s %11s %12s %7s %12s %8s %12s %8s %9s %s\n" engine rows seconds "profiles/s" "yardstick/s" "of it" "raw rows/s" "of raw" "ceiling/s" "of ceil" "peak RSS" "stored/events"
for rows in $SIZES; do
  csv="$work/profiles-$rows.csv"
  python3 - "$csv" "$rows" <<'PY'
import random, sys
path, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(20261207)
enabled = 0
with open(path, "w") as f:
    f.write("email,customId,firstName,newsletter_agreement,sms_agreement,push_agreement\n")
    for i in range(n):
        a = ["enabled" if rnd.random() < 0.6 else "" for _ in range(3)]
        enabled += a.count("enabled")
        f.write(f"person{i}@bench.example,crm-{i},Person {i},{a[0]},{a[1]},{a[2]}\n")
with open(path + ".events", "w") as f:
    f.write(str(enabled))
PY
  # One event per "enabled" cell; an empty cell changes nothing.
  expect_events=$(cat "$csv.events")
  for engine in $ENGINES; do
    case "$engine" in
      sqlite)
        dir="$work/sqlite-$rows"; mkdir -p "$dir/ceiling" "$dir/yardstick"; url="sqlite://$dir/assent.db"
        count() { sqlite3 "$dir/assent.db" "$1"; }
        raw_start=$(date +%s.%N)
        sqlite3 "$dir/raw.db" "CREATE TABLE raw (email TEXT, custom_id TEXT, first_name TEXT, a TEXT, b TEXT, c TEXT);" ".import --csv --skip 1 $csv raw"
        raw_end=$(date +%s.%N)
        ASSENT_DATABASE_URL="sqlite://$dir/ceiling/assent.db" ASSENT_DATA_DIR="$dir/ceiling" "$BIN" migrate >/dev/null
        hex="printf('%016x%016x%016x%016x', random(), random(), random(), random())"
        ceil_start=$(date +%s.%N)
        sqlite3 "$dir/ceiling/assent.db" "PRAGMA journal_mode = WAL;" "PRAGMA synchronous = FULL;" "PRAGMA foreign_keys = ON;" \
          "CREATE TEMP TABLE raw (email TEXT, custom_id TEXT, first_name TEXT, a TEXT, b TEXT, c TEXT);" ".import --csv --skip 1 $csv raw" \
          "BEGIN;" "$(ceiling_sql "$hex" "'2026-11-29 18:00:00.000000'")" "COMMIT;" >/dev/null
        ceil_end=$(date +%s.%N)
        rm -rf "$dir/ceiling" "$dir/raw.db"
        yard_db="sqlite://$dir/yardstick/assent.db"
        # The rows the import wrote, stored again by the engine (same pragmas as Assent's connections).
        yardstick() {
          local copy=("PRAGMA journal_mode = WAL;" "PRAGMA synchronous = FULL;" "PRAGMA foreign_keys = ON;" "ATTACH '$dir/assent.db' AS src;" "BEGIN;")
          for t in $TABLES; do copy+=("INSERT INTO main.$t SELECT * FROM src.$t;"); done
          yard_start=$(date +%s.%N)
          sqlite3 "$dir/yardstick/assent.db" "${copy[@]}" "COMMIT;" >/dev/null
          yard_end=$(date +%s.%N)
        } ;;
      postgres)
        db="assent_bench_import_$$"; fresh_pg "$db"
        url="${PG_ADMIN%/*}/$db"; dir="$work/pg-$rows"; mkdir -p "$dir"
        count() { psql -qtA "$url" -c "$1"; }
        psql -q "$url" -c "CREATE TABLE raw (email TEXT, custom_id TEXT, first_name TEXT, a TEXT, b TEXT, c TEXT)"
        raw_start=$(date +%s.%N)
        psql -q "$url" -c "\\copy raw FROM '$csv' WITH (FORMAT csv, HEADER true)"
        raw_end=$(date +%s.%N)
        psql -q "$url" -c "DROP TABLE raw"
        cdb="${db}_ceiling"; fresh_pg "$cdb"
        curl_="${PG_ADMIN%/*}/$cdb"
        ASSENT_DATABASE_URL="$curl_" ASSENT_DATA_DIR="$dir" "$BIN" migrate >/dev/null
        hex="md5(random()::text) || md5(random()::text)"
        ceil_start=$(date +%s.%N)
        psql -q "$curl_" -c "CREATE TEMP TABLE raw (email TEXT, custom_id TEXT, first_name TEXT, a TEXT, b TEXT, c TEXT)" \
          -c "\\copy raw FROM '$csv' WITH (FORMAT csv, HEADER true)" \
          -c "BEGIN" -c "$(ceiling_sql "$hex" "TIMESTAMP '2026-11-29 18:00:00'")" -c "COMMIT" >/dev/null
        ceil_end=$(date +%s.%N)
        psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $cdb" >/dev/null
        ydb="${db}_yardstick"; yard_db="${PG_ADMIN%/*}/$ydb"
        yardstick() {
          fresh_pg "$ydb"
          ASSENT_DATABASE_URL="$yard_db" ASSENT_DATA_DIR="$dir" "$BIN" migrate >/dev/null
          local out=() in=()
          for t in $TABLES; do out+=(-c "\\copy $t TO '$dir/$t.copy'"); in+=(-c "\\copy $t FROM '$dir/$t.copy'"); done
          psql -q "$url" "${out[@]}"
          yard_start=$(date +%s.%N)
          psql -q -v ON_ERROR_STOP=1 "$yard_db" -c "BEGIN" "${in[@]}" -c "COMMIT" >/dev/null
          yard_end=$(date +%s.%N)
          rm -f "$dir"/*.copy
          psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $ydb" >/dev/null
        } ;;
    esac
    ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" "$BIN" migrate >/dev/null
    [ "$engine" = sqlite ] && ASSENT_DATABASE_URL="$yard_db" ASSENT_DATA_DIR="$dir/yardstick" "$BIN" migrate >/dev/null
    start=$(date +%s.%N)
    ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" /usr/bin/time -f "%M" -o "$dir/rss" "$BIN" import "$csv" > "$dir/out"
    end=$(date +%s.%N)
    stored=$(count "SELECT count(*) FROM profiles")/$(count "SELECT count(*) FROM consent_events")
    ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" "$BIN" ledger verify > "$dir/verify" || { echo "ledger verify failed"; cat "$dir/verify"; exit 1; }
    [ "$stored" = "$rows/$expect_events" ] || { echo "expected $rows/$expect_events stored, found $stored"; cat "$dir/out"; exit 1; }
    yardstick
    python3 - "$engine" "$rows" "$start" "$end" "$yard_start" "$yard_end" "$raw_start" "$raw_end" "$ceil_start" "$ceil_end" "$(cat "$dir/rss")" "$stored" <<'PY'
import sys
engine, rows = sys.argv[1], int(sys.argv[2])
s, e, ys, ye, rs, re_, cs, ce = map(float, sys.argv[3:11])
rss, stored = int(sys.argv[11]), sys.argv[12]
rate, yard, raw, ceiling = rows / (e - s), rows / (ye - ys), rows / (re_ - rs), rows / (ce - cs)
print(f"{engine:<9} {rows:>9} {e - s:>8.2f} {rate:>11,.0f} {yard:>12,.0f} {rate / yard:>6.2f}x {raw:>12,.0f} {rate / raw:>7.2f}x "
      f"{ceiling:>12,.0f} {rate / ceiling:>7.2f}x {rss / 1024:>5.1f} MiB {stored}")
PY
    if [ "$engine" = postgres ]; then psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db" >/dev/null; else rm -rf "$dir"; fi
  done
done
