#!/usr/bin/python3
# probe_peer.py: what the tutorial's peers do not do, with websockets
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Two roles for the interoperability tests:
#
#   probe_peer.py server [--port P] [--protocol P]... [--ping DATA] [--greeting TEXT]
#                        --close-code C [--close-reason R]
#     Prints its URL as the first line on stdout. Accepts the subprotocols
#     given (in that order of preference). For every client it logs on
#     stderr "+ connected {JSON}" with the request path, the subprotocol and
#     the request headers (names in lower case), pings with DATA and logs
#     'pong "DATA"' when the answer comes (if asked), sends TEXT (if given),
#     closes with C and R, and logs the close code and reason the client
#     answered.
#
#   probe_peer.py client URL [--protocol P]... [--ping DATA]
#                        [--send TEXT | --send-file FILE [--fragments N]]
#                        [--close-code C] [--close-reason R]
#     Offers the subprotocols in order; pings with DATA and waits for the
#     pong (if asked); sends TEXT, or FILE as one binary message split into
#     N fragments, and waits for one reply (if asked); closes with C and R
#     (default 1000); prints one JSON line on stdout:
#       {"protocol", "extensions", "pong", "reply", "close_code", "close_reason"}
#     a binary reply as lowercase hex, the close code and reason being what
#     the server answered (or what it closed with).

import argparse
import asyncio
import json
import signal
import sys

import websockets


def log(line):
    print(line, file=sys.stderr, flush=True)


# websockets 14 made its new implementation the default and 15 dropped the
# attributes of the old one; Debian 12 has 10.4, Debian 13 has 15. The two
# differ only in where the request and the extensions live.
def request_of(websocket):
    """The request path and headers a server connection received."""
    if hasattr(websocket, "request"):
        return websocket.request.path, websocket.request.headers
    return websocket.path, websocket.request_headers


def extensions_of(websocket):
    """The extensions a client connection negotiated."""
    if hasattr(websocket, "protocol") and hasattr(websocket.protocol, "extensions"):
        return websocket.protocol.extensions
    return websocket.extensions


async def run_server(args):
    async def handler(websocket):
        path, headers = request_of(websocket)
        request = {
            "path": path,
            "subprotocol": websocket.subprotocol,
            "headers": {name.lower(): value for name, value in headers.raw_items()},
        }
        log(f"+ connected {json.dumps(request)}")
        try:
            if args.ping is not None:
                waiter = await websocket.ping(args.ping.encode())
                try:
                    await asyncio.wait_for(waiter, 10)
                    # websockets resolves the waiter only for a pong with the same data.
                    log(f"pong {json.dumps(args.ping)}")
                except asyncio.TimeoutError:
                    log("no pong within 10 s")
            if args.greeting is not None:
                await websocket.send(args.greeting)
            await websocket.close(args.close_code, args.close_reason)
        except websockets.ConnectionClosed:
            pass
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


def split(data, count):
    size = -(-len(data) // count)
    return [data[i:i + size] for i in range(0, len(data), size)]


async def exchange(websocket, args, result):
    if args.ping is not None:
        waiter = await websocket.ping(args.ping.encode())
        await asyncio.wait_for(waiter, args.timeout)
        # websockets resolves the waiter only for a pong with the same data.
        result["pong"] = args.ping
    if args.send is not None or args.send_file is not None:
        if args.send_file is not None:
            with open(args.send_file, "rb") as file:
                data = file.read()
            # An iterable is sent as one message, one fragment per item.
            await websocket.send(split(data, args.fragments) if args.fragments > 1 else data)
        else:
            await websocket.send(args.send)
        reply = await asyncio.wait_for(websocket.recv(), args.timeout)
        result["reply"] = reply.hex() if isinstance(reply, bytes) else reply


async def run_client(args):
    result = {"protocol": None, "extensions": [], "pong": None, "reply": None}
    async with websockets.connect(args.url, subprotocols=args.protocol or None) as websocket:
        log(f"connected to {args.url}")
        result["protocol"] = websocket.subprotocol
        result["extensions"] = [extension.name for extension in extensions_of(websocket)]
        try:
            await exchange(websocket, args, result)
        except websockets.ConnectionClosed:
            log("the server closed the connection")
        except asyncio.TimeoutError:
            log("no answer arrived in time")
        await websocket.close(args.close_code, args.close_reason)
    result["close_code"] = websocket.close_code
    result["close_reason"] = websocket.close_reason
    print(json.dumps(result), flush=True)
    return 0


def main():
    parser = argparse.ArgumentParser(description="Close codes, subprotocols, fragments, pings.")
    roles = parser.add_subparsers(dest="role", required=True)
    server = roles.add_parser("server")
    server.add_argument("--port", type=int, default=0)
    server.add_argument("--protocol", action="append")
    server.add_argument("--ping")
    server.add_argument("--greeting")
    server.add_argument("--close-code", type=int, required=True)
    server.add_argument("--close-reason", default="")
    client = roles.add_parser("client")
    client.add_argument("url")
    client.add_argument("--protocol", action="append")
    client.add_argument("--ping")
    client.add_argument("--send")
    client.add_argument("--send-file")
    client.add_argument("--fragments", type=int, default=1)
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
