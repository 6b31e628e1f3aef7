#!/usr/bin/python3
# seed_producer.py: the tutorial's producer, with websockets
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Connects, sends one message, waits for one reply and prints it (text as
# it is, binary as lowercase hex), then closes with 1000. The reply tells
# the producer its message was delivered. With --binary-file the file's
# bytes are sent as one binary message instead of MESSAGE.
# Exits 0 when a reply arrived, 1 otherwise.
#
# Usage: seed_producer.py URL MESSAGE
#        seed_producer.py URL --binary-file FILE

import argparse
import asyncio
import json
import sys

import websockets


def show(message):
    if isinstance(message, bytes):
        print(message.hex(), flush=True)
    else:
        print(message, flush=True)


async def produce(message, url, timeout):
    websocket = None
    try:
        async with websockets.connect(url) as websocket:
            print(f"connected to {url}", file=sys.stderr, flush=True)
            await websocket.send(message)
            reply = await asyncio.wait_for(websocket.recv(), timeout)
            show(reply)
    except websockets.ConnectionClosed:
        print("the connection closed before a reply arrived", file=sys.stderr, flush=True)
        status = 1
    except asyncio.TimeoutError:
        print("no reply arrived in time", file=sys.stderr, flush=True)
        status = 1
    except (OSError, websockets.InvalidHandshake) as error:
        print(f"could not connect to {url}: {type(error).__name__}: {error}",
              file=sys.stderr, flush=True)
        return 1
    else:
        status = 0

    code = websocket.close_code if websocket.close_code is not None else 1006
    reason = websocket.close_reason or ""
    print(f"closed with code {code}, reason {json.dumps(reason)}", file=sys.stderr, flush=True)
    return status


def main():
    parser = argparse.ArgumentParser(description="Send one message and print the reply.")
    parser.add_argument("url")
    parser.add_argument("message", nargs="?")
    parser.add_argument("--binary-file", help="send this file's bytes as one binary message")
    parser.add_argument("--timeout", type=float, default=10, help="seconds to wait for the reply")
    args = parser.parse_args()
    if (args.message is None) == (args.binary_file is None):
        parser.error("give either MESSAGE or --binary-file")
    if args.binary_file:
        with open(args.binary_file, "rb") as file:
            message = file.read()
    else:
        message = args.message

    sys.stdout.reconfigure(encoding="utf-8")
    return asyncio.run(produce(message, args.url, args.timeout))


if __name__ == "__main__":
    sys.exit(main())
