#!/usr/bin/python3
# seed_server.py: the tutorial's relay server, with websockets
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A server class registers every client and relays each message it gets
# to all connected clients, the sender included, waiting with asyncio.wait
# until one send per client is done. Prints its URL as the first line on
# stdout (port 0 picks a free port), logs connects and disconnects on
# stderr, and stops cleanly on SIGINT or SIGTERM (clients get 1001).
#
# Usage: seed_server.py [PORT] [HOST]     (defaults: 4000 127.0.0.1)

import asyncio
import json
import signal
import sys

import websockets


class Server:
    def __init__(self):
        self.clients = set()

    async def register(self, websocket):
        self.clients.add(websocket)
        log(f"+ {address(websocket)} connected; {len(self.clients)} connected")

    async def unregister(self, websocket):
        self.clients.remove(websocket)
        log(f"- {address(websocket)} disconnected ({websocket.close_code}, "
            f"{json.dumps(websocket.close_reason or '')}); {len(self.clients)} connected")

    async def send_to_clients(self, message):
        if self.clients:
            sends = [asyncio.create_task(client.send(message)) for client in self.clients]
            done, _ = await asyncio.wait(sends)
            for task in done:
                # A client that left meanwhile is unregistered by its own handler.
                task.exception()

    async def ws_handler(self, websocket):
        await self.register(websocket)
        try:
            await self.distribute(websocket)
        finally:
            await self.unregister(websocket)

    async def distribute(self, websocket):
        try:
            async for message in websocket:
                await self.send_to_clients(message)
        except websockets.ConnectionClosedError:
            pass


def address(websocket):
    host, port = websocket.remote_address[:2]
    return f"{host}:{port}"


def log(line):
    print(line, file=sys.stderr, flush=True)


async def serve(host, port):
    server = Server()
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set_result, None)

    async with websockets.serve(server.ws_handler, host, port) as listener:
        bound = listener.sockets[0].getsockname()[1]
        print(f"ws://{host}:{bound}/", flush=True)
        log(f"listening on ws://{host}:{bound}/")
        await stop
        log(f"stopping: closing {len(server.clients)} clients with 1001")
    return 0


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
    return asyncio.run(serve(host, port))


if __name__ == "__main__":
    sys.exit(main())
