"""What the Python relay peers share: serve a handler until SIGINT or SIGTERM.

The listen backlog is the same as Duplex's relay (the only change from the
defaults), so a burst of connections measures the relay, and the first line
on stdout is the URL to connect to, as with `duplex serve`.

SPDX-License-Identifier: GPL-3.0-or-later
"""

import asyncio
import signal
import sys

import websockets


async def serve_until_stopped(handler, port):
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.cancel)
    async with websockets.serve(handler, "127.0.0.1", port, backlog=4096) as server:
        bound = server.sockets[0].getsockname()[1]
        print(f"ws://127.0.0.1:{bound}/", flush=True)
        try:
            await stop
        except asyncio.CancelledError:
            pass


def run(handler):
    """Serves on the port given as the first argument (default 0: a free one)."""
    asyncio.run(serve_until_stopped(handler, int(sys.argv[1]) if len(sys.argv) > 1 else 0))
