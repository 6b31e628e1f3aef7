#!/usr/bin/python3
"""Measures Duplex's relay against three peers, in one run on one machine.

The relays: `duplex serve`; a Python relay written the way the seed article
writes it (asyncio.wait over one send per client); a Python relay on
websockets.broadcast(); a Node.js relay on the ws package. The load comes
from `duplex bench`: one publisher, N subscribers, 64-byte text messages (and
one scenario at 16 KiB). For every scenario all the relays start fresh, each
is measured --repeats times in turns, and the median is reported, with each
relay's peak RSS (VmHWM) over those runs.

The results replace the part of docs/PERFORMANCE.md between the markers,
and every bench line is kept in bench/results/last-run.jsonl.

Usage: /usr/bin/python3 bench/compare.py [--repeats 9] [--duplex PATH]
Needs: a built duplex (meson setup build && ninja -C build), Debian's
python3-websockets (10.x) for /usr/bin/python3, node and `npm ci` in
bench/peers/node and bench/peers/bun (done here when node_modules is
missing; the bun package carries its own Linux binary).

SPDX-License-Identifier: GPL-3.0-or-later
"""

import argparse
import datetime
import json
import os
import platform
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
PEERS = os.path.join(HERE, "peers")
NODE_DIR = os.path.join(PEERS, "node")
BUN_DIR = os.path.join(PEERS, "bun")
BUN = os.path.join(BUN_DIR, "node_modules", ".bin", "bun")
DOC = os.path.join(TOP, "docs", "PERFORMANCE.md")
RAW = os.path.join(HERE, "results", "last-run.jsonl")
BEGIN = "<!-- compare.py results: begin -->"
END = "<!-- compare.py results: end -->"

# (clients, messages, size)
SCENARIOS = [
    (1, 20000, 64),
    (10, 5000, 64),
    (30, 2000, 64),
    (100, 1000, 64),
    (1000, 100, 64),
    (10, 1000, 16384),
]

RELAYS = ["duplex", "bun", "node-ws", "py-broadcast", "py-seed"]
LABELS = {
    "duplex": "Duplex (`duplex serve`)",
    "bun": "Bun (uWebSockets) `server.publish`",
    "node-ws": "Node `ws`",
    "py-broadcast": "Python `websockets.broadcast`",
    "py-seed": "Python seed (`asyncio.wait`)",
}
# The issue's targets: Duplex's throughput over each peer's, and its memory.
TARGETS = {"bun": 1.0, "node-ws": 1.25, "py-seed": 3.0}
PEERS_COMPARED = ("bun", "node-ws", "py-broadcast", "py-seed")
RSS_TARGET_MIB = 16


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def find_duplex(given):
    for candidate in (given, os.environ.get("DUPLEX"),
                      os.path.join(TOP, "build", "src", "duplex"),
                      os.path.join(TOP, "_build", "src", "duplex"),
                      shutil.which("duplex")):
        if candidate and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    sys.exit("compare.py: no duplex binary in build/ or _build/: build it (.ci/dev test, or "
             "meson setup _build && ninja -C _build) or pass --duplex PATH")


def relay_command(name, duplex):
    if name == "duplex":
        return [duplex, "serve", "--port", "0"]
    if name == "bun":
        return [BUN, os.path.join(BUN_DIR, "relay.js")]
    if name == "node-ws":
        return ["node", os.path.join(NODE_DIR, "relay.js")]
    if name == "py-broadcast":
        return ["/usr/bin/python3", os.path.join(PEERS, "broadcast_relay.py")]
    if name == "py-seed":
        return ["/usr/bin/python3", os.path.join(PEERS, "seed_relay.py")]
    raise ValueError(name)


class Relay:
    """One relay process; its first stdout line is its URL."""

    def __init__(self, name, duplex, cpu=None):
        self.name = name
        # Pinned, the relay has one core to itself (all its threads), the
        # bench the other: no relay wins or loses by where the scheduler put it.
        pin = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
        self.proc = subprocess.Popen(relay_command(name, duplex), preexec_fn=pin,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL,
                                     stdin=subprocess.DEVNULL, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 20)
        line = self.proc.stdout.readline().strip() if ready else ""
        if not line.startswith("ws://"):
            self.stop()
            sys.exit(f"compare.py: {name} did not start (printed {line!r})")
        self.url = line

    def peak_rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def run_bench(duplex, relay, clients, messages, size, cpu=None):
    cmd = ([] if cpu is None else ["taskset", "-c", str(cpu)]) + [duplex, "bench", relay.url, "--clients", str(clients),
           "--messages", str(messages), "--size", str(size),
           "--server-pid", str(relay.proc.pid), "--timeout", "120"]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=180)
    try:
        result = json.loads(done.stdout.splitlines()[0])
    except (IndexError, ValueError):
        result = {"errors": 1, "first_error": done.stderr.strip() or "no output"}
    result["exit_status"] = done.returncode
    return result


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    debian = "?"
    if os.path.exists("/etc/debian_version"):
        with open("/etc/debian_version") as f:
            debian = f.read().strip()
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory": f"{mem_kib / 1024 / 1024:.0f} GiB",
        "kernel": platform.release(),
        "debian": debian,
    }


def versions(duplex):
    def out(cmd):
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return "?"

    ws_version = "?"
    try:
        with open(os.path.join(NODE_DIR, "node_modules", "ws", "package.json")) as f:
            ws_version = json.load(f)["version"]
    except OSError:
        pass
    return {
        "duplex": out([duplex, "--version"]).replace("duplex ", ""),
        "libsoup": out(["pkg-config", "--modversion", "libsoup-3.0"]),
        "glib": out(["pkg-config", "--modversion", "glib-2.0"]),
        "python": out(["/usr/bin/python3", "-c", "import platform; print(platform.python_version())"]),
        "websockets": out(["/usr/bin/python3", "-c", "import websockets; print(websockets.__version__)"]),
        "node": out(["node", "--version"]).lstrip("v"),
        "ws": ws_version,
        "bun": out([BUN, "--version"]),
    }


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize(runs):
    good = [r for r in runs if r.get("exit_status") == 0]
    pct = lambda r, key: (100.0 * r[key] / r["duration_ms"]
                          if r.get(key) is not None and r.get("duration_ms") else None)
    rates = [r["deliveries_per_sec"] for r in good]
    # Deliveries per second of the relay's own CPU time: what the relay would
    # do with a core to itself, whatever else the machine was running.
    per_cpu = [1000.0 * r["deliveries"] / r["server_cpu_ms"] for r in good if r.get("server_cpu_ms")]
    # The same for the bench: how many deliveries it could take on a core of
    # its own, against which a relay's rate shows how close the bench came to
    # being the limit.
    capacity = [1000.0 * r["deliveries"] / r["bench_cpu_ms"] for r in good if r.get("bench_cpu_ms")]
    return {
        "per_cpu": median(per_cpu),
        "bench_capacity": median(capacity),
        "runs": len(runs),
        "failed": len(runs) - len(good),
        "rate": median(rates),
        "rate_min": min(rates) if rates else None,
        "rate_max": max(rates) if rates else None,
        "p50": median([r["latency_ms"]["p50"] for r in good]),
        "p99": median([r["latency_ms"]["p99"] for r in good]),
        "connect": median([r["connect_ms"] for r in good]),
        "server_cpu": median([pct(r, "server_cpu_ms") for r in good]),
        "bench_cpu": median([pct(r, "bench_cpu_ms") for r in good]),
        "first_error": next((r.get("first_error") for r in runs if r.get("first_error")), None),
    }


def fmt(value, spec, missing="n/a"):
    return missing if value is None else format(value, spec)


def scenario_name(clients, messages, size):
    return f"{clients} x {messages}, {size // 1024} KiB" if size >= 1024 else \
           f"{clients} x {messages}, {size} B"


def per_relay_names(results):
    return {name for _, per_relay in results for name, s in per_relay.items() if s["runs"]}


def render(results, info, vers, repeats, started, took, loads, priority):
    lines = []
    add = lines.append
    add(BEGIN)
    add("")
    add(f"Measured on {started:%Y-%m-%d %H:%M} UTC by `bench/compare.py --repeats {repeats}` "
        f"({took / 60:.0f} minutes, relays and bench at {priority}). Load average before "
        f"and after the run: {loads[0]} and {loads[1]}.")
    add("")
    add(f"- Machine: {info['cpu']}, {info['cores']} cores, {info['memory']} RAM, "
        f"Linux {info['kernel']}, Debian {info['debian']}")
    add(f"- Duplex {vers['duplex']} built from {vers['source']} (libsoup {vers['libsoup']}, "
        f"GLib {vers['glib']}); "
        f"Python {vers['python']} with websockets {vers['websockets']}; "
        f"Node.js {vers['node']} with ws {vers['ws']}; Bun {vers['bun']}")
    add("")
    add("Deliveries per second are messages received by subscribers per second "
        "(clients x messages / time from the first send to the last delivery), the median "
        f"of {repeats} runs, with the lowest and highest run. Latency is from send to "
        "delivery, the median over runs of each run's percentile. Relay and bench CPU are "
        "the CPU time each process used during the timed part, as a share of that time "
        "(100 % = one core busy the whole time); a relay below 100 % was kept waiting, "
        "most likely by other programs on the machine, and then \"per relay CPU-s\" "
        "(deliveries divided by the relay's CPU time) is the steadier figure. Peak RSS is "
        "the relay's VmHWM (its process's high-water mark) after its first run of the "
        "scenario and after all of them; each scenario starts every relay afresh.")
    add("")
    add("| Scenario | Relay | Deliveries/s | (min - max) | Per relay CPU-s | p50 ms | p99 ms "
        "| Connect ms | Peak RSS MiB, first run / all | Relay CPU | Bench CPU | Failed runs |")
    add("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for scenario, per_relay in results:
        for name in RELAYS:
            s = per_relay[name]
            if s["runs"] == 0:
                continue
            add(f"| {scenario_name(*scenario)} | {LABELS[name]} | {fmt(s['rate'], ',.0f')} "
                f"| {fmt(s['rate_min'], ',.0f')} - {fmt(s['rate_max'], ',.0f')} "
                f"| {fmt(s['per_cpu'], ',.0f')} | {fmt(s['p50'], '.1f')} | {fmt(s['p99'], '.1f')} | {fmt(s['connect'], '.0f')} "
                f"| {fmt(s['rss_first_mib'], '.1f')} / {fmt(s['rss_mib'], '.1f')} "
                f"| {fmt(s['server_cpu'], '.0f')} % "
                f"| {fmt(s['bench_cpu'], '.0f')} % | {s['failed']} of {s['runs']} |")
    add("")
    missed = []
    if "bun" in per_relay_names(results):
        add("Duplex against Bun, the fastest peer: throughput (median against median, and "
            "per relay CPU-second), p99 latency and peak RSS after all runs. The bench's "
            "capacity is the deliveries it handled per second of its own CPU in the Bun runs: "
            "what it could keep up with on a core of its own, to set beside the fastest "
            "relay's rate.")
        add("")
        add("| Scenario | Duplex / Bun (target 1.0) | per relay CPU-s | p99 ms Duplex / Bun "
            "| Peak RSS MiB Duplex / Bun | Bench CPU in the Bun runs | Bench capacity, deliveries "
            "per bench CPU-s |")
        add("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for scenario, per_relay in results:
            ours, bun = per_relay["duplex"], per_relay["bun"]
            if ours["rate"] and bun["rate"]:
                ratio = ours["rate"] / bun["rate"]
                ok = ratio >= TARGETS["bun"]
                cell = f"{ratio:.2f}x ({'met' if ok else '**missed**'})"
                if not ok:
                    missed.append(f"{scenario_name(*scenario)}: {ratio:.2f}x {LABELS['bun']}")
            else:
                cell = "n/a"
            cpu = (f"{ours['per_cpu'] / bun['per_cpu']:.2f}x"
                   if ours["per_cpu"] and bun["per_cpu"] else "n/a")
            p99 = f"{fmt(ours['p99'], '.1f')} / {fmt(bun['p99'], '.1f')}"
            if ours["p99"] is not None and bun["p99"] is not None and ours["p99"] > bun["p99"]:
                p99 += " (**worse**)"
                missed.append(f"{scenario_name(*scenario)}: p99 {ours['p99']:.1f} ms against "
                              f"{bun['p99']:.1f} ms")
            rss = f"{fmt(ours['rss_mib'], '.1f')} / {fmt(bun['rss_mib'], '.1f')}"
            add(f"| {scenario_name(*scenario)} | {cell} | {cpu} | {p99} | {rss} "
                f"| {fmt(bun['bench_cpu'], '.0f')} % | {fmt(bun['bench_capacity'], ',.0f')} |")
        add("")
    add("Duplex's throughput divided by each peer's (median against median):")
    add("")
    add("| Scenario | vs Bun | vs Node `ws` (target 1.25) | vs `websockets.broadcast` "
        "| vs seed (target 3) | Duplex peak RSS MiB, first run / all (target < 16 at 1000 clients) |")
    add("| --- | ---: | ---: | ---: | ---: | ---: |")
    for scenario, per_relay in results:
        ours = per_relay["duplex"]
        cells = []
        for name in PEERS_COMPARED:
            theirs = per_relay[name]["rate"]
            if ours["rate"] is None or not theirs:
                cells.append("n/a")
                continue
            ratio = ours["rate"] / theirs
            mark = ""
            if name in TARGETS and name != "bun":
                ok = ratio >= TARGETS[name]
                mark = " (met)" if ok else " (**missed**)"
                if not ok:
                    missed.append(f"{scenario_name(*scenario)}: {ratio:.2f}x {LABELS[name]}")
            cells.append(f"{ratio:.2f}x{mark}")
        rss_cells = []
        for label, rss in (("first run", ours["rss_first_mib"]), ("all runs", ours["rss_mib"])):
            cell = fmt(rss, ".1f")
            if scenario[0] >= 1000 and rss is not None:
                ok = rss < RSS_TARGET_MIB
                cell += " (met)" if ok else " (**missed**)"
                if not ok:
                    missed.append(f"{scenario_name(*scenario)}: peak RSS {rss:.1f} MiB "
                                  f"after {label}")
            rss_cells.append(cell)
        rss_cell = " / ".join(rss_cells)
        add(f"| {scenario_name(*scenario)} | {' | '.join(cells)} | {rss_cell} |")
    add("")
    add("The same ratios on deliveries per relay CPU-second (less sensitive to what else "
        "the machine was doing):")
    add("")
    add("| Scenario | vs Bun | vs Node `ws` | vs `websockets.broadcast` | vs seed |")
    add("| --- | ---: | ---: | ---: | ---: |")
    for scenario, per_relay in results:
        ours = per_relay["duplex"]["per_cpu"]
        cells = []
        for name in PEERS_COMPARED:
            theirs = per_relay[name]["per_cpu"]
            cells.append(f"{ours / theirs:.2f}x" if ours and theirs else "n/a")
        add(f"| {scenario_name(*scenario)} | {' | '.join(cells)} |")
    add("")
    if missed:
        add("Targets missed in this run: " + "; ".join(missed) + ".")
    else:
        add("Every target was met in this run.")
    add("")
    add(END)
    return "\n".join(lines)


def write_doc(section):
    text = ""
    if os.path.exists(DOC):
        with open(DOC) as f:
            text = f.read()
    if BEGIN in text and END in text:
        head = text[:text.index(BEGIN)]
        tail = text[text.index(END) + len(END):]
        text = head + section + tail
    else:
        text = text + ("\n" if text else "# Performance\n\n") + section + "\n"
    with open(DOC, "w") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=9, help="runs per relay and scenario")
    parser.add_argument("--duplex", help="the duplex binary (default: build/src/duplex)")
    parser.add_argument("--source", help="what the duplex binary was built from, for the report "
                        "(default: the commit of this checkout, +dirty when it has changes)")
    parser.add_argument("--relays", default=",".join(RELAYS),
                        help="comma-separated subset of " + ",".join(RELAYS))
    parser.add_argument("--scenarios", help="comma-separated CLIENTSxMESSAGESxSIZE, e.g. "
                        "100x1000x64 (default: all of " +
                        ",".join(f"{c}x{m}x{z}" for c, m, z in SCENARIOS) + ")")
    parser.add_argument("--no-pin", dest="pin", action="store_false",
                        help="let the scheduler place the relays and the bench (by default, "
                        "with two cores or more, every relay runs on CPU 1 and the bench on CPU 0)")
    parser.add_argument("--scale", type=int, default=1,
                        help="multiply each scenario's message count, so a run lasts long "
                        "enough for the scheduler's noise to even out")
    parser.add_argument("--no-write", action="store_true",
                        help="print the results instead of updating docs/PERFORMANCE.md "
                        "(and keep the raw lines out of bench/results)")
    args = parser.parse_args()

    duplex = find_duplex(args.duplex)
    relays = [r for r in args.relays.split(",") if r]
    for r in relays:
        if r not in RELAYS:
            sys.exit(f"compare.py: unknown relay {r}")
    if "node-ws" in relays and not os.path.isdir(os.path.join(NODE_DIR, "node_modules", "ws")):
        log("Installing the Node relay's dependencies (npm ci in bench/peers/node)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True)
    if "bun" in relays and not os.access(BUN, os.X_OK):
        log("Installing Bun (npm ci in bench/peers/bun)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=BUN_DIR, check=True)

    # The relays and the bench (children inherit it) get ahead of other work on
    # the machine; it needs root, and without it the run just goes on.
    try:
        os.nice(-10)
        priority = "nice -10"
    except PermissionError:
        priority = "normal priority"
    if args.pin:
        priority += "; every relay pinned to CPU 1, the bench to CPU 0"
    if args.scale != 1:
        priority += f"; message counts x{args.scale}"

    started = datetime.datetime.utcnow()
    t0 = time.monotonic()
    loads = [" ".join(f"{x:.2f}" for x in os.getloadavg())]
    # --no-write leaves the committed raw results alone too.
    raw_path = os.path.join(tempfile.gettempdir(), "duplex-compare.jsonl") if args.no_write else RAW
    os.makedirs(os.path.dirname(raw_path), exist_ok=True)
    raw = open(raw_path, "w")
    results = []
    scenarios = SCENARIOS
    if args.scenarios:
        scenarios = [tuple(int(x) for x in spec.split("x")) for spec in args.scenarios.split(",")]
    scenarios = [(c, m * args.scale, z) for c, m, z in scenarios]
    if (os.cpu_count() or 1) < 2:
        args.pin = False
    relay_cpu, bench_cpu = (1, 0) if args.pin else (None, None)
    for scenario in scenarios:
        clients, messages, size = scenario
        log(f"== {scenario_name(*scenario)}")
        running = {name: Relay(name, duplex, relay_cpu) for name in relays}
        runs = {name: [] for name in relays}
        try:
            for rep in range(args.repeats):
                # Turns rotate so no relay always runs first or last.
                order = relays[rep % len(relays):] + relays[:rep % len(relays)]
                for name in order:
                    result = run_bench(duplex, running[name], clients, messages, size, bench_cpu)
                    result["relay"] = name
                    result["repeat"] = rep
                    raw.write(json.dumps(result) + "\n")
                    raw.flush()
                    result["relay_vmhwm_kib"] = running[name].peak_rss_kib()
                    runs[name].append(result)
                    log(f"   {name:13} {result.get('deliveries_per_sec', 0):>10,.0f}/s  "
                        f"errors {result.get('errors')}  {result.get('first_error') or ''}")
            per_relay = {}
            for name in RELAYS:
                if name not in relays:
                    per_relay[name] = {"rate": None, "per_cpu": None, "bench_capacity": None, "rate_min": None, "rate_max": None,
                                       "p50": None, "p99": None, "connect": None,
                                       "server_cpu": None, "bench_cpu": None, "rss_mib": None,
                                       "rss_first_mib": None,
                                       "failed": 0, "runs": 0, "first_error": None}
                    continue
                summary = summarize(runs[name])
                rss = running[name].peak_rss_kib()
                first = runs[name][0].get("relay_vmhwm_kib") if runs[name] else None
                summary["rss_mib"] = rss / 1024 if rss else None
                summary["rss_first_mib"] = first / 1024 if first else None
                per_relay[name] = summary
            results.append((scenario, per_relay))
        finally:
            for relay in running.values():
                relay.stop()
    raw.close()
    loads.append(" ".join(f"{x:.2f}" for x in os.getloadavg()))

    vers = versions(duplex)
    vers["source"] = args.source or subprocess.run(
        ["git", "-C", TOP, "describe", "--always", "--dirty"], stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True).stdout.strip() or "?"
    section = render(results, machine(), vers, args.repeats, started,
                     time.monotonic() - t0, loads, priority)
    if args.no_write:
        print(section)
        log(f"Raw results in {raw_path}")
    else:
        write_doc(section)
        log(f"Wrote {os.path.relpath(DOC, TOP)} and {os.path.relpath(RAW, TOP)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
