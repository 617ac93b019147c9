#!/usr/bin/env python3
"""Slow-client check: opens many connections that send part of a declared body and stall, and reports
whether the server stays alive, how much memory it takes, and whether it cuts the stalled clients off.

    scripts/slow-clients.py --pid PID --url http://127.0.0.1:8080 [--clients 3000] [--body 65536] [--wait 20]

Prints one line per phase: resident memory of PID, whether /livez answered, and how many of the stalled
connections the server has closed. Exit 1 if /livez stopped answering or stalled connections stayed open
past --wait seconds.
"""
import argparse
import asyncio
import sys
import time
import urllib.parse


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def livez(host, port, timeout=3.0):
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        w.write(b"GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        await w.drain()
        data = await asyncio.wait_for(r.read(), timeout)
        w.close()
        return data.startswith(b"HTTP/1.1 200")
    except Exception:
        return False


async def stall(host, port, path, body_len, sent_len, chunked, closed):
    try:
        r, w = await asyncio.open_connection(host, port)
    except OSError:
        closed.append("refused")
        return
    if chunked:
        head = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                f"Transfer-Encoding: chunked\r\n\r\n{sent_len:x}\r\n").encode()
    else:
        head = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {body_len}\r\n\r\n").encode()
    try:
        w.write(head + b"email=" + b"a" * (sent_len - 6))
        await w.drain()
        # Wait for the server to answer or close; never send the rest.
        await r.read()
        closed.append("closed")
    except Exception:
        closed.append("reset")
    finally:
        w.close()


async def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pid", type=int, required=True, help="server process id (for its memory)")
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--clients", type=int, default=3000)
    ap.add_argument("--body", type=int, default=65536, help="declared body length")
    ap.add_argument("--wait", type=float, default=20.0, help="seconds the server may take to cut them off")
    a = ap.parse_args()
    u = urllib.parse.urlparse(a.url)
    host, port = u.hostname, u.port or 80

    print(f"before:  rss {rss_mb(a.pid):7.1f} MB, /livez {'ok' if await livez(host, port) else 'DOWN'}")
    closed = []
    paths = ["/subscribe", "/preferences", "/confirm/x", "/unsubscribe/x"]
    tasks = [
        asyncio.create_task(stall(host, port, paths[i % len(paths)], a.body, a.body // 2, i % 8 == 7, closed))
        for i in range(a.clients)
    ]
    await asyncio.sleep(2)
    alive = await livez(host, port)
    print(f"stalled: rss {rss_mb(a.pid):7.1f} MB, /livez {'ok' if alive else 'DOWN'}, "
          f"{a.clients} clients sent half of a {a.body}-byte body, {len(closed)} cut off so far")
    started = time.monotonic()
    peak = rss_mb(a.pid)
    while len(closed) < a.clients and time.monotonic() - started < a.wait:
        await asyncio.sleep(0.5)
        peak = max(peak, rss_mb(a.pid))
    left = a.clients - len(closed)
    for t in tasks:
        t.cancel()
    await asyncio.sleep(1)
    after_ok = await livez(host, port)
    print(f"after:   rss {rss_mb(a.pid):7.1f} MB (peak {peak:.1f} MB), /livez {'ok' if after_ok else 'DOWN'}, "
          f"{len(closed)} cut off within {time.monotonic() - started + 2:.0f} s, {left} still open")
    if not (alive and after_ok) or left:
        sys.exit(1)


asyncio.run(main())
