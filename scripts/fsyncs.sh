#!/usr/bin/env bash
# The disk's flush rate, which bounds every commit (sign-ups, imports, deliveries): writes 4 KiB and
# fsyncs, in a loop for SECONDS (2) in DIR (the system's temporary directory), and prints fsyncs/s.
# The benchmarks print it beside their figures, since on a shared disk it swings within the hour.
#
#   scripts/fsyncs.sh
#   DIR=/var/lib/postgresql scripts/fsyncs.sh
set -euo pipefail
python3 - "${DIR:-${TMPDIR:-/tmp}}" "${SECONDS_EACH:-2}" <<'PY'
import os, sys, tempfile, time
folder, seconds = sys.argv[1], float(sys.argv[2])
fd, path = tempfile.mkstemp(dir=folder, prefix="fsyncs.")
try:
    block, n, start = b"x" * 4096, 0, time.monotonic()
    while time.monotonic() - start < seconds:
        os.pwrite(fd, block, 0)
        os.fsync(fd)
        n += 1
    print(f"disk: {n / (time.monotonic() - start):,.0f} fsyncs/s ({folder})")
finally:
    os.close(fd)
    os.unlink(path)
PY
