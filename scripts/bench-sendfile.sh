#!/usr/bin/env bash
# Send-file benchmark: seeds SIZE profiles per engine (as scripts/bench-export.sh does), then in the same
# run times the plain `assent export -o FILE` (the baseline) and `assent sendfile run` of the same rows
# to a local HTTP sink (which reads and discards the body and counts its bytes) and to a local OpenSSH
# sshd (internal-sftp, key login), and reports rows/s, the ratio to the export (target: within 1.5 times
# its time) and the send-file's peak RSS; the medians of three alternating rounds. Needs /usr/sbin/sshd (apt-get install openssh-server).
#
#   scripts/bench-sendfile.sh                    # both engines, 1,000,000 profiles
#   SIZE=100000 ENGINES=sqlite scripts/bench-sendfile.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE="${SIZE:-1000000}"
ENGINES="${ENGINES:-sqlite postgres}"
PG_ADMIN="${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
if [ -z "${BIN:-}" ]; then cargo build --release --quiet; BIN=target/release/assent; fi
command -v sqlite3 >/dev/null || { echo "installing sqlite3"; apt-get install -y -qq sqlite3; }
# shellcheck source=scripts/seed.sh
. scripts/seed.sh

work=$(mktemp -d)
sink=""
sshd=""
trap '[ -n "$sink" ] && kill "$sink" 2>/dev/null; [ -n "$sshd" ] && kill "$sshd" 2>/dev/null; rm -rf "$work"' EXIT
now() { python3 -c 'import time; print(time.monotonic())'; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$port" "$work/received" <<'PY' &
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        left, n = int(self.headers["Content-Length"]), 0
        while left:
            chunk = self.rfile.read(min(left, 1 << 20)); left -= len(chunk); n += len(chunk)
        open(sys.argv[2], "w").write(str(n))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
sink=$!

# A real OpenSSH server on a free loopback port, logging in with a fresh key.
[ -x /usr/sbin/sshd ] || { echo "installing openssh-server"; apt-get install -y -qq openssh-server >/dev/null; }
mkdir -p /run/sshd "$work/sftp"
ssh-keygen -q -t ed25519 -N "" -f "$work/host_key"
ssh-keygen -q -t ed25519 -N "" -f "$work/client_key"
cp "$work/client_key.pub" "$work/authorized_keys"
sport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/sshd_config" <<CONF
ListenAddress 127.0.0.1:$sport
HostKey $work/host_key
AuthorizedKeysFile $work/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
Subsystem sftp internal-sftp
PidFile none
LogLevel ERROR
CONF
/usr/sbin/sshd -D -e -f "$work/sshd_config" &
sshd=$!

printf "%-9s %-6s %9s %10s %12s %15s %8s %10s\n" engine target rows "export s" "sendfile s" "sendfile rows/s" ratio "peak RSS"
for engine in $ENGINES; do
  dir="$work/$engine"; mkdir -p "$dir"
  case "$engine" in
    sqlite) url="sqlite://$dir/assent.db"
      ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" "$BIN" migrate >/dev/null
      sqlite3 "$dir/assent.db" "$(seed_sql "$SIZE" "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $SIZE) SELECT i FROM s)" "datetime('now', '-' || (id % 120) || ' days')")" ;;
    postgres) db="assent_bench_sendfile_$$"
      psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
      url="${PG_ADMIN%/*}/$db"
      ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" "$BIN" migrate >/dev/null
      psql -q "$url" -c "$(seed_sql "$SIZE" "generate_series(1, $SIZE) AS s(i)" "(now() at time zone 'utc') - (id % 120) * interval '1 day'")" >/dev/null
      psql -q "$url" -c "VACUUM ANALYZE" >/dev/null ;;
  esac
  export ASSENT_DATABASE_URL="$url" ASSENT_DATA_DIR="$dir" ASSENT_ALLOW_PRIVATE_TARGETS=true ASSENT_LOG=warn
  "$BIN" sendfile add --name http --target "http://127.0.0.1:$port/in" >/dev/null
  "$BIN" sendfile add --name sftp --target "sftp://$(id -un)@127.0.0.1:$sport$work/sftp/$engine.csv" --key "$work/client_key" >/dev/null
  # Three rounds, each the export then both send-files, so drift hits all alike; medians are reported.
  : > "$dir/times"
  for round in 1 2 3; do
    t0=$(now); "$BIN" export -o "$dir/export.csv" 2>/dev/null; t1=$(now)
    echo "export $t0 $t1 0" >> "$dir/times"
    exported=$(stat -c %s "$dir/export.csv")
    for target in http sftp; do
      t0=$(now); /usr/bin/time -f "%M" -o "$dir/rss" "$BIN" sendfile run $target > "$dir/out"; t1=$(now)
      echo "$target $t0 $t1 $(cat "$dir/rss")" >> "$dir/times"
      if [ $target = http ]; then received=$(cat "$work/received"); else received=$(stat -c %s "$work/sftp/$engine.csv"); fi
      [ "$exported" -eq "$received" ] || { echo "FAIL: exported $exported bytes, $target got $received" >&2; exit 1; }
    done
  done
  python3 - "$engine" "$SIZE" "$dir/times" <<'PY'
import statistics, sys
engine, rows = sys.argv[1], int(sys.argv[2])
runs = {}
for line in open(sys.argv[3]):
    what, t0, t1, rss = line.split()
    runs.setdefault(what, []).append((float(t1) - float(t0), int(rss)))
e = statistics.median(t for t, _ in runs["export"])
for target in ("http", "sftp"):
    s = statistics.median(t for t, _ in runs[target])
    rss = max(r for _, r in runs[target])
    print(f"{engine:<9} {target:<6} {rows:>9} {e:>10.2f} {s:>12.2f} {rows / s:>15,.0f} {s / e:>7.2f}x {rss / 1024:>7.1f} MiB")
PY
  if [ "$engine" = postgres ]; then psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db" >/dev/null; fi
done
