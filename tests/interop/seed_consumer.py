#!/usr/bin/python3
# seed_consumer.py: the tutorial's message consumer, with websockets
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Connects to a WebSocket URL (ws://localhost:4000 by default) and prints
# every message on its own line: text as it is, binary as lowercase hex,
# the same way `duplex consume` does. With COUNT it stops after that many
# messages. Connection events go to stderr; the last one is always
#   closed with code N, reason "..."
# Exits 0 after COUNT messages or a clean close (1000 or 1001), 1 otherwise.
#
# Usage: seed_consumer.py [URL] [COUNT]

import asyncio
import json
import sys

import websockets


def show(message):
    if isinstance(message, bytes):
        print(message.hex(), flush=True)
    else:
        print(message, flush=True)


async def consume(url, count):
    received = 0
    websocket = None
    try:
        async with websockets.connect(url) as websocket:
            print(f"connected to {url}", file=sys.stderr, flush=True)
            async for message in websocket:
                show(message)
                received += 1
                if count and received >= count:
                    break
    except websockets.ConnectionClosedError:
        # The iteration ends quietly only on 1000 and 1001.
        pass
    except (OSError, websockets.InvalidHandshake, asyncio.TimeoutError) as error:
        print(f"could not connect to {url}: {type(error).__name__}: {error}",
              file=sys.stderr, flush=True)
        return 1

    code = websocket.close_code if websocket.close_code is not None else 1006
    reason = websocket.close_reason or ""
    print(f"closed with code {code}, reason {json.dumps(reason)}", file=sys.stderr, flush=True)
    if count and received >= count:
        return 0
    return 0 if code in (1000, 1001) else 1


def main():
    url = sys.argv[1] if len(sys.argv) > 1 else "ws://localhost:4000"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    sys.stdout.reconfigure(encoding="utf-8")
    return asyncio.run(consume(url, count))


if __name__ == "__main__":
    sys.exit(main())
