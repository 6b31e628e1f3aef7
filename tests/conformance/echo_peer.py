#!/usr/bin/python3
# echo_peer.py: a websockets echo server for the conformance suite's self-check
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sends every message back to its sender, as the Duplex relay does with one
# client, with websockets' defaults: permessage-deflate offered and a 1 MiB
# message limit, the same limit as the other servers under test. Prints its
# URL as the first line on stdout; stops on SIGTERM or SIGINT.
#
# Usage: echo_peer.py

import asyncio
import signal

import websockets


async def echo(websocket):
    try:
        async for message in websocket:
            await websocket.send(message)
    except websockets.ConnectionClosed:
        pass


async def main():
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set_result, None)
    async with websockets.serve(echo, "127.0.0.1", 0, max_size=1024 * 1024) as listener:
        print(f"ws://127.0.0.1:{listener.sockets[0].getsockname()[1]}/", flush=True)
        await stop


if __name__ == "__main__":
    asyncio.run(main())
