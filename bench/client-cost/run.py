#!/usr/bin/python3
"""Is duplex bench's own client cheaper than libsoup's? Measures both.

One `duplex serve`; N libsoup subscribers (soup-subscribers.c, compiled here
with cc and pkg-config) connect to it and wait; then `duplex bench` runs with N
subscribers of its own and one publisher. Both sets of subscribers receive
the same N x M messages; the script prints the CPU time each process spent
(the bench's figure also includes the publisher's work).

Usage: /usr/bin/python3 bench/client-cost/run.py [--duplex PATH]

SPDX-License-Identifier: GPL-3.0-or-later
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
CASES = [(10, 5000), (100, 1000), (500, 200)]


def build(workdir):
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libsoup-3.0"],
                           stdout=subprocess.PIPE, text=True, check=True).stdout.split()
    exe = os.path.join(workdir, "soup-subscribers")
    subprocess.run(["cc", "-O2", "-o", exe, os.path.join(HERE, "soup-subscribers.c")] + flags,
                   check=True)
    return exe


def cpu_ms_of(cmd):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    return out, (usage.ru_utime + usage.ru_stime) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duplex", default=os.path.join(TOP, "build", "src", "duplex"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        soup = build(workdir)
        print("| Subscribers x messages | --read-interval | duplex bench CPU ms "
              "(publisher + subscribers) | libsoup subscribers CPU ms | ratio |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for clients, messages in CASES:
            for interval in (200, 0):
                relay = subprocess.Popen([args.duplex, "serve", "--port", "0"],
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                url = relay.stdout.readline().strip()
                subs = subprocess.Popen([soup, url, str(clients), str(messages)],
                                        stdout=subprocess.PIPE, text=True)
                if subs.stdout.readline().strip() != "ready":
                    sys.exit("the libsoup subscribers did not connect")
                out, bench_ms = cpu_ms_of([args.duplex, "bench", url, "--clients", str(clients),
                                           "--messages", str(messages),
                                           "--read-interval", str(interval)])
                report = json.loads(out)
                soup_ms = float(subs.stdout.readline())
                subs.wait()
                relay.terminate()
                relay.wait()
                if report["errors"]:
                    sys.exit(f"bench failed: {report['first_error']}")
                print(f"| {clients} x {messages} | {interval} | {bench_ms:.0f} | {soup_ms:.0f} "
                      f"| {soup_ms / bench_ms:.1f} |")


if __name__ == "__main__":
    main()
