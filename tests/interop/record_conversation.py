#!/usr/bin/python3
# record_conversation.py: a client conversation written as a Duplex log
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Connects to URL with websockets, sends each message of a plan at its
# offset from the connection (seconds), collects what comes back, and
# writes the conversation in the log's JSON Lines format (docs/log-format.md)
# to OUT: an "open" event, then every sent and received message with the
# time it left or arrived. It waits for as many messages as it sent.
#
# Usage: record_conversation.py URL OUT PLAN.json
#   PLAN.json: [[offset_seconds, "text" | {"hex": "00ff"}], ...]

import asyncio
import base64
import datetime
import json
import sys

import websockets


def stamp(seconds):
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry(when, url, direction, payload):
    line = {"time": stamp(when), "connection": url, "direction": direction}
    if isinstance(payload, bytes):
        line.update(kind="binary", size=len(payload), base64=base64.b64encode(payload).decode())
    else:
        data = payload.encode()
        line.update(kind="text", size=len(data), text=payload)
    return line


async def record(url, out, plan):
    loop = asyncio.get_running_loop()
    lines = []
    async with websockets.connect(url) as websocket:
        start_wall = loop.time()
        start_epoch = datetime.datetime.now(datetime.timezone.utc).timestamp()

        def now():
            return start_epoch + (loop.time() - start_wall)

        lines.append({"time": stamp(now()), "connection": url, "direction": "event",
                      "kind": "open", "text": f"Connected to {url}"})

        async def receive(count):
            for _ in range(count):
                message = await asyncio.wait_for(websocket.recv(), 20)
                lines.append(entry(now(), url, "received", message))

        receiver = asyncio.create_task(receive(len(plan)))
        for offset, message in plan:
            delay = start_wall + offset - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            payload = bytes.fromhex(message["hex"]) if isinstance(message, dict) else message
            await websocket.send(payload)
            lines.append(entry(now(), url, "sent", payload))
        await receiver
    lines.sort(key=lambda line: line["time"])
    with open(out, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    return 0


def main():
    url, out, plan_path = sys.argv[1:]
    with open(plan_path, encoding="utf-8") as f:
        plan = json.load(f)
    return asyncio.run(record(url, out, plan))


if __name__ == "__main__":
    sys.exit(main())
