#!/usr/bin/python3
# churn.py: the relay's memory over many connect/send/reset cycles, the
# pattern of clients that are killed rather than closed. Prints the relay's
# resident memory every --every cycles, as JSON lines.
#
# Usage: bench/soak/churn.py [--duplex _build/src/duplex] [--cycles 100000]
#
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import TOP, abort, connect, frame, proc_status  # noqa: E402

DESCRIPTION = "The relay's memory over many connect/send/reset cycles."


async def churn(port, pid, cycles, every, concurrency):
    done = 0
    failed = 0
    start = time.monotonic()

    async def loop():
        nonlocal done, failed
        while done + failed < cycles:
            try:
                reader, writer = await asyncio.wait_for(connect(port), 10)
                writer.write(frame(1, b"churn"))
                await writer.drain()
                abort(writer)
                done += 1
            except (ConnectionError, OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
                failed += 1
            if (done + failed) % every == 0:
                print(json.dumps({"cycles": done + failed, "failed": failed,
                                  "rss_kib": proc_status(pid, "VmRSS"),
                                  "seconds": round(time.monotonic() - start, 1)}), flush=True)

    await asyncio.gather(*(loop() for _ in range(concurrency)))
    await asyncio.sleep(2)
    print(json.dumps({"cycles": done + failed, "failed": failed, "rss_kib_idle": proc_status(pid, "VmRSS"),
                      "seconds": round(time.monotonic() - start, 1)}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("--duplex", default=os.path.join(TOP, "_build", "src", "duplex"))
    parser.add_argument("--cycles", type=int, default=100000)
    parser.add_argument("--every", type=int, default=10000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    proc = subprocess.Popen([args.duplex, "serve", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        url = proc.stdout.readline().strip()
        port = int(url.rsplit(":", 1)[1].strip("/"))
        print(json.dumps({"cycles": 0, "rss_kib": proc_status(proc.pid, "VmRSS")}), flush=True)
        asyncio.run(churn(port, proc.pid, args.cycles, args.every, args.concurrency))
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
