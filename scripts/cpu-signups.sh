#!/usr/bin/env bash
# Where a sign-up's CPU goes, for this build and another one, alternating: `wrk -c64` POSTs /subscribe for
# 10 s (a unique address each, fresh database, SMTP at a closed port, as scripts/bench.sh), and the CPU
# time each group of the server's threads used (from /proc: the HTTP workers, the sign-up writers) and,
# on PostgreSQL, that of every postgres process, each divided by the sign-ups answered. Steadier than the
# rate when a change moves a few microseconds: the rate of this machine's two shared cores swings by
# 5% or more from run to run, the CPU a sign-up much less.
#
#   scripts/cpu-signups.sh /tmp/prev/target/release/assent
#   ENGINES=postgres ROUNDS=4 BIN=target/release/assent scripts/cpu-signups.sh /tmp/old/assent
set -euo pipefail
cd "$(dirname "$0")/.."

OTHER="${1:?usage: scripts/cpu-signups.sh OTHER_BUILD (BIN= this build, default target/release/assent)}"
ROUNDS="${ROUNDS:-2}"
ENGINES="${ENGINES:-sqlite postgres}"
DURATION="${DURATION:-10s}"
PG_ADMIN="${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
PORT="${PORT:-18183}"
command -v wrk >/dev/null || { echo "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk; }
if [ -z "${BIN:-}" ]; then cargo build --release --quiet; BIN=target/release/assent; fi

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

hz=$(getconf CLK_TCK)
# user and system ticks of each thread group of a process ("actix-rt|system", "signup-writer-0", …; the
# writers' numbers are dropped so that they add up as one group).
threads() {
  for t in /proc/"$1"/task/*; do
    echo "$(sed 's/-[0-9]*$//' "$t/comm") $(awk '{print $14, $15}' "$t/stat")"
  done | awk '{u[$1] += $2; s[$1] += $3} END {for (k in u) print k, u[k], s[k]}' | sort
}
# user and system ticks of every postgres process, with the children the postmaster has reaped.
postgres_ticks() {
  local u=0 s=0 p
  for p in $(pgrep -u postgres || true); do
    read -r pu ps cu cs < <(awk '{print $14, $15, $16, $17}' "/proc/$p/stat" 2>/dev/null || echo "0 0 0 0")
    u=$((u + pu + cu)); s=$((s + ps + cs))
  done
  echo "$u $s"
}

run() { # build engine -> lines "group user_µs system_µs" and "rate N"
  local bin=$1 engine=$2 url db=""
  case "$engine" in
    sqlite) url="sqlite://$work/db/assent.db" ;;
    postgres)
      db="assent_cpu_$$"
      psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
      url="${PG_ADMIN%/*}/$db" ;;
  esac
  rm -rf "$work/db"; mkdir -p "$work/db"
  local closed_port
  closed_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  ASSENT_DATABASE_URL="$url" ASSENT_BIND="127.0.0.1:$PORT" ASSENT_DATA_DIR="$work/db" \
    ASSENT_SMTP_URL="smtp://127.0.0.1:$closed_port" ASSENT_LOG=error "$bin" serve > "$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || { cat "$work/server.log"; exit 1; }
  threads "$server" > "$work/t0"; read -r pu0 ps0 < <(postgres_ticks)
  local out
  out=$(wrk -t2 -c64 -d"$DURATION" -s scripts/signups.lua "http://127.0.0.1:$PORT")
  threads "$server" > "$work/t1"; read -r pu1 ps1 < <(postgres_ticks)
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  local n non2xx
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  [ "${non2xx:-0}" -eq 0 ] || { echo "FAIL: $non2xx sign-ups were not answered 2xx" >&2; exit 1; }
  join "$work/t0" "$work/t1" | awk -v n="$n" -v hz="$hz" \
    '{u = ($4 - $2) * 1e6 / hz / n; s = ($5 - $3) * 1e6 / hz / n; if (u + s > 0.05) printf "%s %.1f %.1f\n", $1, u, s}'
  if [ "$engine" = postgres ]; then
    awk -v u=$((pu1 - pu0)) -v s=$((ps1 - ps0)) -v n="$n" -v hz="$hz" \
      'BEGIN {printf "postgres %.1f %.1f\n", u * 1e6 / hz / n, s * 1e6 / hz / n}'
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
  fi
  echo "rate $(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
}

scripts/fsyncs.sh
for engine in $ENGINES; do
  for round in $(seq "$ROUNDS"); do
    for which in other this; do
      bin=$([ "$which" = this ] && echo "$BIN" || echo "$OTHER")
      run "$bin" "$engine" | sed "s/^/$engine $round $which /" >> "$work/results"
    done
  done
done
echo
echo "CPU a sign-up in µs (user + system), wrk -t2 -c64 -d$DURATION, $(nproc) cores shared with the load generator"
printf "%-9s %5s %-18s %16s %16s %8s\n" engine round group other this this/other
awk '{key = $1 " " $2 " " $4; if ($4 == "rate") v[key, $3] = $5; else v[key, $3] = $5 + $6; keys[key] = 1}
     END {for (k in keys) {split(k, p, " "); o = v[k, "other"]; t = v[k, "this"];
          printf "%-9s %5s %-18s %16.1f %16.1f %7.2fx\n", p[1], p[2], (p[3] == "rate" ? "sign-ups/s" : p[3]), o, t, (o > 0 ? t / o : 0)}}' \
  "$work/results" | sort -k1,1 -k3,3 -k2,2n
