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

import serving


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


if __name__ == "__main__":
    serving.run(Server().ws_handler)
