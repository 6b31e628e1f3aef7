#!/usr/bin/python3
# run.py: a soak of a broadcast relay: several minutes of connection churn, a
# noisy publisher, readers, stalled readers and ping floods at once, with the
# relay's memory, descriptors and deliveries sampled every second.
#
# Each relay (`duplex serve` and the Node `ws` relay of bench/peers/node) runs
# the same workload in turn, afresh. The samples go to a JSON file and the
# relays' memory over time to a PNG drawn with matplotlib (Debian:
# python3-matplotlib), which docs/RELIABILITY.md shows.
#
# Usage: bench/soak/run.py [--duplex _build/src/duplex] [--duration 180]
#                          [--relays duplex,node] [--json FILE] [--png FILE]
#
# Everything runs on 127.0.0.1; every loop is bounded by --duration, and a
# relay past --rss-limit is stopped, so the run always ends by itself.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import asyncio
import base64
import json
import os
import platform
import resource
import socket
import struct
import subprocess
import sys
import time

DESCRIPTION = "Soak a broadcast relay and draw its memory over time."
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
NODE_DIR = os.path.join(TOP, "bench", "peers", "node")


def relay_command(name, duplex):
    if name == "duplex":
        return [duplex, "serve", "--port", "0"]
    return ["node", os.path.join(NODE_DIR, "relay.js")]


LABELS = {"duplex": "Duplex (duplex serve)", "node": "Node ws (bench/peers/node/relay.js)"}


def proc_status(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def count_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


# A minimal client side of RFC 6455 over asyncio streams -------------------

def frame(opcode, payload=b""):
    """A final frame, masked with a zero key (servers do not check keys)."""
    n = len(payload)
    if n < 126:
        head = bytes([0x80 | opcode, 0x80 | n])
    elif n < 65536:
        head = bytes([0x80 | opcode, 0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([0x80 | opcode, 0x80 | 127]) + n.to_bytes(8, "big")
    return head + b"\0\0\0\0" + payload


async def connect(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write((f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 101 " not in head.split(b"\r\n", 1)[0]:
        writer.close()
        raise ConnectionError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
    return reader, writer


def abort(writer):
    """Ends the connection with a reset, as a killed client does."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.close()


class Frames:
    """Counts whole data frames in a byte stream; notes a close frame."""

    def __init__(self):
        self.buf = bytearray()
        self.data = 0
        self.close_code = None

    def feed(self, chunk):
        buf = self.buf
        buf += chunk
        at = 0
        while len(buf) - at >= 2:
            n = buf[at + 1] & 0x7f
            head = 2
            if n == 126:
                if len(buf) - at < 4:
                    break
                n = int.from_bytes(buf[at + 2:at + 4], "big")
                head = 4
            elif n == 127:
                if len(buf) - at < 10:
                    break
                n = int.from_bytes(buf[at + 2:at + 10], "big")
                head = 10
            if len(buf) - at < head + n:
                break
            opcode = buf[at] & 0x0f
            if opcode in (1, 2, 0):
                self.data += 1
            elif opcode == 8:
                payload = buf[at + head:at + head + n]
                self.close_code = int.from_bytes(payload[:2], "big") if n >= 2 else 1005
            at += head + n
        del buf[:at]


class Stats:
    def __init__(self):
        self.deliveries = 0
        self.published = 0
        self.churn = 0
        self.churn_failed = 0
        self.stalled = 0
        self.ping_floods = 0
        self.readers_closed = []


# The workload ------------------------------------------------------------

async def reader_task(port, stats, stop):
    reader, writer = await connect(port)
    frames = Frames()
    try:
        while not stop.is_set():
            chunk = await reader.read(1 << 16)
            if not chunk:
                break
            before = frames.data
            frames.feed(chunk)
            stats.deliveries += frames.data - before
            if frames.close_code is not None:
                break
    finally:
        if frames.close_code is not None or not stop.is_set():
            stats.readers_closed.append(frames.close_code)
        abort(writer)


async def publisher_task(port, stats, stop, rate, size):
    """Sends `rate` messages of `size` bytes a second, in 10 ms batches, and
    drains its echoes."""
    reader, writer = await connect(port)
    payload = b"p" * size
    batch = frame(1, payload) * max(1, rate // 100)
    per_batch = max(1, rate // 100)

    async def drain():
        while not stop.is_set():
            if not await reader.read(1 << 16):
                return

    draining = asyncio.ensure_future(drain())
    next_at = time.monotonic()
    try:
        while not stop.is_set():
            writer.write(batch)
            await writer.drain()
            stats.published += per_batch
            next_at += 0.01
            await asyncio.sleep(max(0, next_at - time.monotonic()))
    except (ConnectionError, OSError):
        pass
    finally:
        draining.cancel()
        abort(writer)


async def churn_task(port, stats, stop):
    """Connect, send one message, reset; again and again."""
    while not stop.is_set():
        try:
            reader, writer = await asyncio.wait_for(connect(port), 10)
            writer.write(frame(1, b"churn"))
            await writer.drain()
            abort(writer)
            stats.churn += 1
        except (ConnectionError, OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            stats.churn_failed += 1
            await asyncio.sleep(0.1)


async def stalled_task(port, stats, stop, every, lifetime):
    """Now and then a client that never reads, dropped after `lifetime`."""
    held = []
    while not stop.is_set():
        try:
            held.append((time.monotonic(), (await connect(port))[1]))
            stats.stalled += 1
        except (ConnectionError, OSError):
            pass
        await asyncio.sleep(every)
        while held and time.monotonic() - held[0][0] > lifetime:
            abort(held.pop(0)[1])
    for _, writer in held:
        abort(writer)


async def ping_flood_task(port, stats, stop, every, pings, lifetime):
    """Now and then a client that sends many pings and reads no pong."""
    batch = frame(9, b"x" * 125) * 500
    while not stop.is_set():
        await asyncio.sleep(every)
        try:
            reader, writer = await connect(port)
        except (ConnectionError, OSError):
            continue
        stats.ping_floods += 1
        start = time.monotonic()
        try:
            for _ in range(pings // 500):
                if stop.is_set() or time.monotonic() - start > lifetime:
                    break
                writer.write(batch)
                await asyncio.wait_for(writer.drain(), lifetime)
        except (ConnectionError, OSError, asyncio.TimeoutError):
            pass
        await asyncio.sleep(max(0, lifetime - (time.monotonic() - start)))
        abort(writer)


async def sample_task(pid, stats, stop, samples, t0, rss_limit_kib):
    while not stop.is_set():
        rss = proc_status(pid, "VmRSS")
        samples.append({"t": round(time.monotonic() - t0, 2), "rss_kib": rss, "fds": count_fds(pid),
                        "deliveries": stats.deliveries, "published": stats.published,
                        "churn": stats.churn, "stalled": stats.stalled,
                        "ping_floods": stats.ping_floods})
        if rss > rss_limit_kib:
            print(f"  relay over {rss_limit_kib // 1024} MiB: stopping it", file=sys.stderr)
            stop.set()
            return True
        try:
            await asyncio.wait_for(stop.wait(), 1)
        except asyncio.TimeoutError:
            pass
    return False


async def soak(port, pid, args):
    stats = Stats()
    stop = asyncio.Event()
    samples = []
    t0 = time.monotonic()
    sampler = asyncio.ensure_future(sample_task(pid, stats, stop, samples, t0, args.rss_limit * 1024))
    await asyncio.sleep(1)
    tasks = [asyncio.ensure_future(reader_task(port, stats, stop)) for _ in range(args.readers)]
    await asyncio.sleep(0.5)
    tasks.append(asyncio.ensure_future(publisher_task(port, stats, stop, args.rate, args.size)))
    tasks += [asyncio.ensure_future(churn_task(port, stats, stop)) for _ in range(args.churners)]
    tasks.append(asyncio.ensure_future(stalled_task(port, stats, stop, 15, 40)))
    tasks.append(asyncio.ensure_future(ping_flood_task(port, stats, stop, 30, 50000, 20)))
    try:
        await asyncio.wait_for(stop.wait(), args.duration)
    except asyncio.TimeoutError:
        pass
    stop.set()
    over_limit = await sampler
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    # What is left of the relay once the load is gone.
    await asyncio.sleep(3)
    samples.append({"t": round(time.monotonic() - t0, 2), "rss_kib": proc_status(pid, "VmRSS"),
                    "fds": count_fds(pid), "deliveries": stats.deliveries, "published": stats.published,
                    "churn": stats.churn, "stalled": stats.stalled, "ping_floods": stats.ping_floods})
    return samples, stats, over_limit


def run_relay(name, args):
    proc = subprocess.Popen(relay_command(name, args.duplex), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        url = proc.stdout.readline().strip()
        port = int(url.rsplit(":", 1)[1].strip("/"))
        print(f"{LABELS[name]} on {url}, pid {proc.pid}", file=sys.stderr)
        samples, stats, over_limit = asyncio.run(soak(port, proc.pid, args))
        peak = proc_status(proc.pid, "VmHWM")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    rss = [s["rss_kib"] for s in samples]
    during = [s for s in samples[:-1] if s["t"] >= 10]
    summary = {
        "relay": name, "label": LABELS[name], "duration_s": args.duration, "over_rss_limit": over_limit,
        "rss_mib": {"start": round(rss[0] / 1024, 1),
                    "median_after_10s": round(sorted(s["rss_kib"] for s in during)[len(during) // 2] / 1024, 1)
                    if during else None,
                    "max": round(max(rss) / 1024, 1), "peak_vmhwm": round(peak / 1024, 1),
                    "end_idle": round(rss[-1] / 1024, 1)},
        "fds_max": max(s["fds"] for s in samples), "fds_end_idle": samples[-1]["fds"],
        "deliveries": stats.deliveries, "published": stats.published,
        "churn_cycles": stats.churn, "churn_failed": stats.churn_failed,
        "stalled_clients": stats.stalled, "ping_floods": stats.ping_floods,
        "readers_closed": stats.readers_closed,
    }
    print(json.dumps(summary), file=sys.stderr)
    return {"summary": summary, "samples": samples}


def plot(runs, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (mem, rate) = plt.subplots(2, 1, figsize=(9, 6.5), sharex=True,
                                    gridspec_kw={"height_ratios": [3, 2]})
    for run in runs:
        s = run["samples"]
        t = [x["t"] for x in s]
        mem.plot(t, [x["rss_kib"] / 1024 for x in s], label=run["summary"]["label"], linewidth=1.6)
        rate.plot(t[1:], [max(0, b["deliveries"] - a["deliveries"]) / max(0.001, b["t"] - a["t"])
                          for a, b in zip(s, s[1:])], label=run["summary"]["label"], linewidth=1)
    mem.set_ylabel("relay resident memory (MiB)")
    mem.set_yscale("log")
    mem.grid(True, which="both", alpha=0.3)
    mem.legend(loc="upper left")
    mem.set_title("Soak: churn, a noisy publisher, readers, stalled readers and ping floods")
    rate.set_ylabel("deliveries / s to 10 readers")
    rate.set_xlabel("seconds")
    rate.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("--duplex", default=os.path.join(TOP, "_build", "src", "duplex"))
    parser.add_argument("--relays", default="duplex,node")
    parser.add_argument("--duration", type=float, default=180, help="seconds of load per relay")
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--rate", type=int, default=3000, help="the noisy publisher's messages a second")
    parser.add_argument("--size", type=int, default=1024, help="the noisy publisher's message size")
    parser.add_argument("--churners", type=int, default=4, help="connect/send/reset loops at once")
    parser.add_argument("--rss-limit", type=int, default=3072, help="MiB; a relay past it is stopped")
    parser.add_argument("--json", default=os.path.join(TOP, "bench", "results", "soak.json"))
    parser.add_argument("--png", default=os.path.join(TOP, "docs", "soak-memory.png"))
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    runs = [run_relay(name, args) for name in args.relays.split(",")]
    with open(args.json, "w") as f:
        json.dump({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                   "machine": {"cpus": os.cpu_count(), "kernel": platform.release(),
                               "load_after": os.getloadavg()},
                   "args": {k: v for k, v in vars(args).items() if k not in ("json", "png")},
                   "runs": runs}, f, indent=1)
    plot(runs, args.png)
    print(f"wrote {args.json} and {args.png}", file=sys.stderr)


if __name__ == "__main__":
    main()
