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


import websockets

import serving

CLIENTS = set()


async def handler(websocket, path):
    CLIENTS.add(websocket)
    try:
        async for message in websocket:
            websockets.broadcast(CLIENTS, message)
    finally:
        CLIENTS.remove(websocket)


if __name__ == "__main__":
    serving.run(handler)
