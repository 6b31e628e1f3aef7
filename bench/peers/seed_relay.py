#!/usr/bin/python3
"""A broadcast relay written the way Duplex's seed article writes it.

The article's server keeps a set of clients and, for each message, awaits
asyncio.wait() over one send() per client. Python 3.11 no longer accepts
bare coroutines there, so each send is wrapped in a task; nothing else
changes. It is one of the peers that bench/compare.py measures Duplex's relay
against. Needs websockets 10 (Debian 12: python3-websockets).

Usage: /usr/bin/python3 seed_relay.py [PORT]   (default 0: a free port)
The first line on stdout is the URL to connect to, as with `duplex serve`.

SPDX-License-Identifier: GPL-3.0-or-later
"""

import asyncio
import signal
import sys

import websockets


class Server:
    clients = set()

    async def register(self, ws):
        self.clients.add(ws)

    async def unregister(self, ws):
        self.clients.remove(ws)

    async def send_to_clients(self, message):
        if self.clients:
            await asyncio.wait([asyncio.create_task(client.send(message))
                                for client in self.clients])

    async def ws_handler(self, ws, uri):
        await self.register(ws)
        try:
            await self.distribute(ws)
        finally:
            await self.unregister(ws)

    async def distribute(self, ws):
        async for message in ws:
            await self.send_to_clients(message)


async def main(port):
    server = Server()
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.cancel)
    # The same listen backlog as Duplex's relay (the only change from the
    # defaults), so a burst of connections measures the relay.
    async with websockets.serve(server.ws_handler, "127.0.0.1", port,
                                backlog=4096) as ws_server:
        bound = ws_server.sockets[0].getsockname()[1]
        print(f"ws://127.0.0.1:{bound}/", flush=True)
        try:
            await stop
        except asyncio.CancelledError:
            pass


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
