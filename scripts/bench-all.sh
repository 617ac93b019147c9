#!/usr/bin/env bash
# Every benchmark once, one after another on one machine: the figures of the README's performance table.
# Prints the machine (cores, memory) and the disk's fsyncs/s before and after each script, since commits
# depend on it and it swings. Each script's sizes and options pass through (SIZES, CHANGES, ENGINES...).
#
#   scripts/bench-all.sh 2>&1 | tee bench.txt
#   ONLY="bench bench-batch" scripts/bench-all.sh       # some of them
#   BIN=/tmp/old/assent scripts/bench-all.sh            # another build
set -euo pipefail
cd "$(dirname "$0")/.."

ONLY="${ONLY:-bench bench-batch bench-import bench-export bench-webhooks bench-sendfile bench-anchor}"
export CHANGES="${CHANGES:-20000}"
if [ -z "${BIN:-}" ]; then cargo build --release --quiet; BIN=target/release/assent; fi
export BIN
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem/ {print $2}') GiB memory; build $("$BIN" --version 2>/dev/null || echo "$BIN")"
scripts/fsyncs.sh
for s in $ONLY; do
  echo "== scripts/$s.sh ($(date -u +%H:%M:%S) UTC)"
  "scripts/$s.sh"
  scripts/fsyncs.sh
done
