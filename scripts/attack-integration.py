#!/usr/bin/env python3
"""The unauthenticated-memory attack on an integration, against a real server, before and after:
strangers who know an integration's name open many connections, each declaring a body of 10 MiB - 1
signed with a made-up X-Hub-Signature-256, send all of it but the last byte and stall.

    scripts/attack-integration.py [--bin target/release/assent] [--connections 300] [--body 10485759]

Starts BIN on a fresh SQLite data folder with one HMAC integration, reports the server's resident memory
before, its peak (VmHWM) during the attack, the slowest /livez answer while the bodies arrive and
stall (probed every half second), and the resident memory five seconds after they close. Run it with the previous build's binary
(`--bin /tmp/assent-base`) for the baseline: absolute figures move between machines.
"""
import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time


def status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


async def livez_ms(port):
    start = time.monotonic()
    r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
    w.write(b"GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    await w.drain()
    data = await asyncio.wait_for(r.read(), 30)
    w.close()
    assert data.startswith(b"HTTP/1.1 200"), data[:80]
    return (time.monotonic() - start) * 1000


async def stall(port, body, opened):
    head = (
        "POST /integrations/shop/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {body}\r\nX-Hub-Signature-256: sha256={'0' * 64}\r\n\r\n"
    ).encode()
    try:
        r, w = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return
    opened.append(w)
    chunk = b" " * (256 * 1024)
    try:
        w.write(head)
        sent = 0
        while sent + len(chunk) < body:
            w.write(chunk)
            await w.drain()
            sent += len(chunk)
        w.write(chunk[: body - sent - 1])
        await w.drain()
    except OSError:
        pass  # refused and closed by the server


async def attack(port, pid, connections, body):
    opened, probes, during = [], [], [0.0]
    tasks = [asyncio.create_task(stall(port, body, opened)) for _ in range(connections)]

    async def probe():
        # /livez and memory, every half second while the bodies arrive and stall.
        while True:
            probes.append(await livez_ms(port))
            during[0] = max(during[0], status(pid, "VmRSS"))
            await asyncio.sleep(0.5)

    prober = asyncio.create_task(probe())
    await asyncio.wait(tasks, timeout=120)
    await asyncio.sleep(2)
    prober.cancel()
    for w in opened:
        w.close()
    return max(probes), during[0]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bin", default="target/release/assent")
    p.add_argument("--connections", type=int, default=300)
    p.add_argument("--body", type=int, default=10 * 1024 * 1024 - 1)
    a = p.parse_args()
    data = tempfile.mkdtemp(prefix="assent-attack-")
    port = free_port()
    env = dict(os.environ, ASSENT_DATA_DIR=data, ASSENT_BIND=f"127.0.0.1:{port}", ASSENT_LOG="error")
    env.pop("ASSENT_DATABASE_URL", None)
    subprocess.run([a.bin, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([a.bin, "integration", "add", "--name", "shop", "--hmac-secret", "x" * 40],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([a.bin, "serve"], env=env, stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                asyncio.run(livez_ms(port))
                break
            except (OSError, asyncio.TimeoutError):
                time.sleep(0.1)
        before = status(server.pid, "VmRSS")
        slowest, during = asyncio.run(attack(port, server.pid, a.connections, a.body))
        peak = status(server.pid, "VmHWM")
        time.sleep(5)
        after = status(server.pid, "VmRSS")
        print(f"{a.bin}: {a.connections} stalled bodies of {a.body} bytes: resident {before:.0f} MiB before, "
              f"{during:.0f} MiB during, peak {peak:.0f} MiB, {after:.0f} MiB 5 s after; slowest /livez meanwhile {slowest:.0f} ms")
    finally:
        server.kill()
        server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
