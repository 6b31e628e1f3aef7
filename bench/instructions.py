#!/usr/bin/python3
"""Counts the instructions a relay spends per delivered message, under callgrind.

The relay runs under `valgrind --tool=callgrind`; `duplex bench` drives it
twice, once with one message and once with MESSAGES + 1, and the counters are
zeroed before and dumped after each run. Both runs connect and close the same
number of clients, so the difference is the cost of MESSAGES x CLIENTS
deliveries alone, whatever the handshakes cost. Instruction counts do not
depend on what else the machine runs; how many messages one read takes does
(the relay is slow under valgrind, so its reads are full), so compare counts
from the same kind of run.

Prints the instructions per delivery and the functions with the largest
inclusive cost in the difference, per delivery.

Usage: /usr/bin/python3 bench/instructions.py [--relay duplex|bun]
           [--clients 100] [--messages 1000] [--size 64] [--top 40]

SPDX-License-Identifier: GPL-3.0-or-later
"""

import argparse
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
BUN_DIR = os.path.join(HERE, "peers", "bun")
BUN = os.path.join(BUN_DIR, "node_modules", ".bin", "bun")


def find_duplex(given):
    for candidate in (given, os.path.join(TOP, "build", "src", "duplex"),
                      os.path.join(TOP, "_build", "src", "duplex"), shutil.which("duplex")):
        if candidate and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    sys.exit("instructions.py: no duplex binary: pass --duplex PATH")


def relay_command(name, duplex):
    if name == "duplex":
        return [duplex, "serve", "--port", "0"]
    if name == "bun":
        return [os.path.realpath(BUN), os.path.join(BUN_DIR, "relay.js")]
    sys.exit(f"instructions.py: unknown relay {name}")


def control(pid, *args):
    subprocess.run(["callgrind_control", *args, str(pid)], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True, timeout=120)


def newest_dump(outdir, before):
    for _ in range(200):
        dumps = set(os.listdir(outdir)) - before
        dumps = [d for d in dumps if re.search(r"\.\d+$", d)]
        if dumps:
            path = os.path.join(outdir, sorted(dumps)[-1])
            time.sleep(0.5)
            return path
        time.sleep(0.1)
    sys.exit("instructions.py: callgrind wrote no dump")


def inclusive(path):
    """Function name -> inclusive Ir, from callgrind_annotate."""
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", "--auto=no", path],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    costs = {}
    total = 0
    with open(path) as dump:
        for line in dump:
            if line.startswith("summary:"):
                total = int(line.split()[1])
    for line in out.splitlines():
        # Only "COST (SHARE)  file:function [object]" lines, not the callees.
        m = re.match(r"\s*([\d,]+)\s+(?:\([^)]*\)\s+)?([^=\s].*:.*)$", line)
        if not m:
            continue
        value = int(m.group(1).replace(",", ""))
        name = m.group(2).strip()
        # Recursion levels ('2) are the same function seen again.
        name = re.sub(r"'\d+", "", name)
        costs[name] = max(costs.get(name, 0), value)
    return total, costs


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def settle(pid):
    """Waits until the relay stops using CPU: the clients' closes, which
    both runs share, must land in the run they belong to."""
    last = cpu_ticks(pid)
    for _ in range(120):
        time.sleep(1.0)
        now = cpu_ticks(pid)
        if now == last:
            return
        last = now


def run_bench(duplex, url, pid, clients, messages, size):
    cmd = [duplex, "bench", url, "--clients", str(clients), "--messages", str(messages),
           "--size", str(size), "--timeout", "1200"]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=1500)
    result = json.loads(done.stdout.splitlines()[0])
    if done.returncode != 0 or result.get("errors"):
        sys.exit(f"instructions.py: the bench failed: {result.get('first_error')}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--relay", default="duplex")
    parser.add_argument("--duplex", help="the duplex binary (also the load generator)")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--keep", help="a directory to keep the callgrind dumps in")
    args = parser.parse_args()

    duplex = find_duplex(args.duplex)
    outdir = args.keep or tempfile.mkdtemp(prefix="duplex-callgrind-")
    os.makedirs(outdir, exist_ok=True)
    cmd = ["valgrind", "--tool=callgrind", "--collect-systime=no",
           f"--callgrind-out-file={outdir}/callgrind.{args.relay}.%p", *relay_command(args.relay, duplex)]
    # Bun's JIT writes code it then runs: valgrind must look for that.
    if args.relay == "bun":
        cmd[2:2] = ["--smc-check=all"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, text=True)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 300)
        url = proc.stdout.readline().strip() if ready else ""
        if not url.startswith("ws://"):
            sys.exit(f"instructions.py: {args.relay} did not start under valgrind ({url!r})")

        totals = []
        deliveries = []
        profiles = []
        for messages in (1, args.messages + 1):
            before = set(os.listdir(outdir))
            settle(proc.pid)
            control(proc.pid, "--zero")
            result = run_bench(duplex, url, proc.pid, args.clients, messages, args.size)
            settle(proc.pid)
            control(proc.pid, "--dump")
            total, costs = inclusive(newest_dump(outdir, before))
            totals.append(total)
            deliveries.append(result["deliveries"])
            profiles.append(costs)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    n = deliveries[1] - deliveries[0]
    per = (totals[1] - totals[0]) / n
    print(f"{args.relay}: {args.clients} clients x {args.messages} messages of {args.size} B: "
          f"{totals[1] - totals[0]:,} instructions for {n:,} deliveries, "
          f"{per:,.0f} per delivery, {per * args.clients:,.0f} per message received")
    diff = {name: profiles[1].get(name, 0) - profiles[0].get(name, 0) for name in profiles[1]}
    print(f"{'Ir per delivery':>16}  {'share':>6}  function (inclusive)")
    for name, cost in sorted(diff.items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"{cost / n:16,.1f}  {100.0 * cost / (totals[1] - totals[0]):5.1f}%  {name}")
    print(f"dumps in {outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
