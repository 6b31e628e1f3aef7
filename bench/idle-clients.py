#!/usr/bin/python3
"""Memory per connected client: N idle WebSocket clients on one `duplex serve`.

Starts a relay (or measures the one at --url with --pid), notes its resident
memory, connects N clients that finish the handshake and then say nothing,
waits for the relay to have them all, and prints the growth divided by N, as
one JSON line. Both sides raise their open-file limit to the hard limit.

The clients are plain sockets in one asyncio loop (a handshake, then
silence), so the relay's side is all that is measured.

Usage: /usr/bin/python3 bench/idle-clients.py [--clients 10000] [--duplex PATH]
       [--rounds 1]   (rounds: connect, measure, disconnect, again)

SPDX-License-Identifier: GPL-3.0-or-later
"""

import argparse
import asyncio
import base64
import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon"):
                fields[key] = int(value.split()[0])
    return fields


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def settle(pid, quiet_s=1.0, limit_s=60):
    last = cpu_ticks(pid)
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        time.sleep(quiet_s)
        now = cpu_ticks(pid)
        if now == last:
            return
        last = now


async def connect_one(host, port, path):
    reader, writer = await asyncio.open_connection(host, port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  f"Sec-WebSocket-Version: 13\r\n\r\n").encode())
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(head.split(b"\r\n")[0].decode(errors="replace"))
    return reader, writer


async def connect_all(url, n, concurrency=200):
    rest = url.split("://", 1)[1]
    hostport, _, path = rest.partition("/")
    host, _, port = hostport.rpartition(":")
    path = "/" + path
    conns = []
    errors = []
    sem = asyncio.Semaphore(concurrency)

    async def one():
        async with sem:
            try:
                conns.append(await connect_one(host, int(port), path))
            except (OSError, RuntimeError, asyncio.IncompleteReadError) as e:
                errors.append(str(e))

    await asyncio.gather(*(one() for _ in range(n)))
    return conns, errors


async def close_all(conns):
    for _, writer in conns:
        writer.close()
    for _, writer in conns:
        try:
            await writer.wait_closed()
        except OSError:
            pass


def n_peers_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


async def measure(pid, url, clients, rounds):
    results = []
    for r in range(rounds):
        settle(pid)
        before = status(pid)
        fds_before = n_peers_fds(pid)
        t0 = time.monotonic()
        conns, errors = await connect_all(url, clients)
        took = time.monotonic() - t0
        # Let the relay take over every connection and go quiet.
        await asyncio.sleep(0.5)
        settle(pid)
        after = status(pid)
        connected = n_peers_fds(pid) - fds_before
        results.append({
            "round": r + 1,
            "clients": clients,
            "connected": len(conns),
            "relay_fds_added": connected,
            "errors": len(errors),
            "first_error": errors[0] if errors else None,
            "connect_s": round(took, 2),
            "rss_before_kib": before["VmRSS"],
            "rss_after_kib": after["VmRSS"],
            "bytes_per_client": round((after["VmRSS"] - before["VmRSS"]) * 1024 / max(1, len(conns))),
            "anon_bytes_per_client": round((after["RssAnon"] - before["RssAnon"]) * 1024 / max(1, len(conns))),
        })
        await close_all(conns)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--duplex", help="the duplex binary (default: build/src/duplex)")
    parser.add_argument("--url", help="measure a relay already running at this URL (needs --pid)")
    parser.add_argument("--pid", type=int)
    args = parser.parse_args()

    hard = raise_nofile()
    if hard < args.clients + 100:
        sys.exit(f"idle-clients.py: the open-file limit ({hard}) is below {args.clients} clients")

    proc = None
    if args.url:
        url, pid = args.url, args.pid
    else:
        duplex = args.duplex
        for candidate in (duplex, os.path.join(TOP, "build", "src", "duplex"),
                          os.path.join(TOP, "_build", "src", "duplex"), shutil.which("duplex")):
            if candidate and os.access(candidate, os.X_OK):
                duplex = candidate
                break
        proc = subprocess.Popen([duplex, "serve", "--port", "0",
                                 "--max-clients", str(args.clients + 10)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, text=True)
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        url = proc.stdout.readline().strip() if ready else ""
        pid = proc.pid
        if not url.startswith("ws://"):
            proc.kill()
            sys.exit("idle-clients.py: the relay did not start")
    try:
        for result in asyncio.run(measure(pid, url, args.clients, args.rounds)):
            print(json.dumps(result), flush=True)
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
