#!/usr/bin/python3
# probe_peer.py: what the tutorial's peers do not do, with websockets
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Two roles for the interoperability tests:
#
#   probe_peer.py server [--port P] [--protocol P]... [--greeting TEXT] --close-code C [--close-reason R]
#     Prints its URL as the first line on stdout. Accepts the subprotocols
#     given (in that order of preference). Every client gets TEXT
#     (if given) and is then closed with C and R. Logs on stderr the close
#     code and reason that came back from the client.
#
#   probe_peer.py client URL [--protocol P]... [--send TEXT] [--close-code C] [--close-reason R]
#     Offers the subprotocols in order, sends TEXT and waits for one reply
#     (if given), closes with C and R (default 1000), and prints one JSON
#     line on stdout: {"protocol", "extensions", "reply", "close_code",
#     "close_reason"},
#     the close code and reason being what the server answered.

import argparse
import asyncio
import json
import signal
import sys

import websockets


def log(line):
    print(line, file=sys.stderr, flush=True)


async def run_server(args):
    async def handler(websocket):
        log(f"+ connected, subprotocol {json.dumps(websocket.subprotocol)}")
        if args.greeting is not None:
            await websocket.send(args.greeting)
        await websocket.close(args.close_code, args.close_reason)
        log(f"- closed; the client answered {websocket.close_code} "
            f"{json.dumps(websocket.close_reason or '')}")

    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set_result, None)
    async with websockets.serve(handler, "127.0.0.1", args.port,
                                subprotocols=args.protocol) as listener:
        print(f"ws://127.0.0.1:{listener.sockets[0].getsockname()[1]}/", flush=True)
        await stop
    return 0


async def run_client(args):
    reply = None
    async with websockets.connect(args.url, subprotocols=args.protocol or None) as websocket:
        log(f"connected to {args.url}")
        if args.send is not None:
            await websocket.send(args.send)
            reply = await asyncio.wait_for(websocket.recv(), args.timeout)
        await websocket.close(args.close_code, args.close_reason)
        result = {
            "protocol": websocket.subprotocol,
            "extensions": [extension.name for extension in websocket.extensions],
            "reply": reply,
            "close_code": websocket.close_code,
            "close_reason": websocket.close_reason,
        }
    print(json.dumps(result), flush=True)
    return 0


def main():
    parser = argparse.ArgumentParser(description="Close codes and subprotocols.")
    roles = parser.add_subparsers(dest="role", required=True)
    server = roles.add_parser("server")
    server.add_argument("--port", type=int, default=0)
    server.add_argument("--protocol", action="append")
    server.add_argument("--greeting")
    server.add_argument("--close-code", type=int, required=True)
    server.add_argument("--close-reason", default="")
    client = roles.add_parser("client")
    client.add_argument("url")
    client.add_argument("--protocol", action="append")
    client.add_argument("--send")
    client.add_argument("--timeout", type=float, default=10)
    client.add_argument("--close-code", type=int, default=1000)
    client.add_argument("--close-reason", default="")
    args = parser.parse_args()

    sys.stdout.reconfigure(encoding="utf-8")
    if args.role == "server":
        return asyncio.run(run_server(args))
    return asyncio.run(run_client(args))


if __name__ == "__main__":
    sys.exit(main())
