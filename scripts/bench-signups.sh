#!/usr/bin/env bash
# Before/after for the sign-up path: POST /subscribe (scripts/bench.sh without its GETs: wrk, a unique
# address per request, fresh databases, every acknowledged sign-up checked as stored) for this build and
# another one, alternating, ROUNDS times per engine, then each round's ratio. Run it for any change on a
# hot path, with the previous build as OTHER.
#
#   git worktree add /tmp/prev HEAD~1 && (cd /tmp/prev && cargo build --release)
#   scripts/bench-signups.sh /tmp/prev/target/release/assent
#   CONNECTIONS=64 ROUNDS=2 BIN=target/release/assent scripts/bench-signups.sh /tmp/old/assent
set -euo pipefail
cd "$(dirname "$0")/.."

OTHER="${1:?usage: scripts/bench-signups.sh OTHER_BUILD (BIN= this build, default target/release/assent)}"
ROUNDS="${ROUNDS:-2}"
export CONNECTIONS="${CONNECTIONS:-64}" ENGINES="${ENGINES:-sqlite postgres}"
if [ -z "${BIN:-}" ]; then cargo build --release --quiet; BIN=target/release/assent; fi
scripts/fsyncs.sh
declare -A FIG
for round in $(seq "$ROUNDS"); do
  for which in other this; do
    bin=$([ "$which" = this ] && echo "$BIN" || echo "$OTHER")
    while read -r engine rate p99 _; do
      FIG[$round,$which,$engine]="$rate $p99"
    done < <(BIN="$bin" GETS=0 scripts/bench.sh | awk '$1 == "sqlite" || $1 == "postgres"')
  done
done
scripts/fsyncs.sh
printf "%-9s %6s %24s %24s %8s\n" engine round "other sign-ups/s (p99)" "this sign-ups/s (p99)" "this/other"
for engine in $ENGINES; do
  for round in $(seq "$ROUNDS"); do
    read -r o op <<<"${FIG[$round,other,$engine]}"; read -r t tp <<<"${FIG[$round,this,$engine]}"
    printf "%-9s %6s %24s %24s %7.2fx\n" "$engine" "$round" "$o ($op)" "$t ($tp)" "$(awk "BEGIN {print $t / $o}")"
  done
done
