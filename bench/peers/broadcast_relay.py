#!/usr/bin/python3
"""A broadcast relay on websockets.broadcast(), the library's own fan-out.

broadcast() writes the frame to every connection at once without waiting
for any of them, which is what the websockets documentation recommends for
this job. It is one of the peers that bench/compare.py measures Duplex's relay
against. Needs websockets 10 (Debian 12: python3-websockets).

Usage: /usr/bin/python3 broadcast_relay.py [PORT]   (default 0: a free port)
The first line on stdout is the URL to connect to, as with `duplex serve`.

SPDX-License-Identifier: GPL-3.0-or-later
"""

import asyncio
import signal
import sys

import websockets

CLIENTS = set()


async def handler(websocket, path):
    CLIENTS.add(websocket)
    try:
        async for message in websocket:
            websockets.broadcast(CLIENTS, message)
    finally:
        CLIENTS.remove(websocket)


async def main(port):
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.cancel)
    # The same listen backlog as Duplex's relay (the only change from the
    # defaults), so a burst of connections measures the relay.
    async with websockets.serve(handler, "127.0.0.1", port,
                                backlog=4096) as server:
        bound = server.sockets[0].getsockname()[1]
        print(f"ws://127.0.0.1:{bound}/", flush=True)
        try:
            await stop
        except asyncio.CancelledError:
            pass


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
