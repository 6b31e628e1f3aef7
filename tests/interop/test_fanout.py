#!/usr/bin/python3
# test_fanout.py: one relay, consumers from every library, the tutorial's rules
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A Python websockets consumer, a Node ws consumer and `duplex consume` all
# listen on one relay while a producer sends: every consumer must print the
# message and the producer must get its own message back, as the tutorial's
# server does (the sender is a connected client too). The same scenario run
# on the tutorial's server (Python and Node) and on `duplex serve` must give
# every peer the same output.
#
# Prints TAP. Needs `npm ci --prefix tests/interop/node` first. Run by meson
# (suite interop), or by hand:
#   DUPLEX=build/src/duplex /usr/bin/python3 tests/interop/test_fanout.py --node /usr/bin/node

import sys

import harness
from harness import ALL_BYTES, TEXT, case
from peer_cases import NODE, PYTHON


def start_consumers(t, server, url, count):
    consumers = [
        PYTHON.consumer(t, url, count),
        NODE.consumer(t, url, count),
        t.duplex("duplex consume", "consume", url, "--count", str(count)),
    ]
    t.wait_clients(server, len(consumers))
    return consumers


def produce(t, producer, url, payload, name):
    binary = isinstance(payload, bytes)
    if producer == "duplex":
        args = ["--binary-file", t.write_file(name, payload)] if binary else [payload]
        return t.finish(t.duplex("duplex produce", "produce", url, *args))
    peers = PYTHON if producer == "python" else NODE
    if binary:
        return t.finish(peers.producer(t, url, binary=payload, name=name))
    return t.finish(peers.producer(t, url, payload))


def line(payload):
    return payload.hex() if isinstance(payload, bytes) else payload


def fan_out(producer):
    @case(f"duplex serve fans a {producer} producer's text and binary out to python, node and "
          "duplex consumers; the producer gets its own message back")
    def _(t):
        relay, url = t.relay()
        consumers = start_consumers(t, relay, url, 2)
        for name, payload in (("text", TEXT), ("all.bin", ALL_BYTES)):
            sent = produce(t, producer, url, payload, name)
            t.equal(sent.stdout, [line(payload)],
                    f"{sent.name} prints its own {name} message, relayed back")
        for consumer in consumers:
            t.finish(consumer)
            t.equal(consumer.stdout, [TEXT, ALL_BYTES.hex()],
                    f"{consumer.name} prints the text, then the bytes as hex")


for kind in ("python", "node", "duplex"):
    fan_out(kind)


def seed_scenario(t, server, url):
    """Three consumers, then one producer of each kind in turn; returns every output."""
    messages = [("python", TEXT), ("node", ALL_BYTES), ("duplex", "from duplex ✓")]
    consumers = start_consumers(t, server, url, len(messages))
    outputs = {}
    for producer, payload in messages:
        sent = produce(t, producer, url, payload, f"{producer}.bin")
        outputs[f"{producer} producer"] = sent.stdout
    for consumer in consumers:
        t.finish(consumer)
        outputs[consumer.name] = consumer.stdout
    return outputs


@case("the tutorial's relay rules hold: the python and node seed servers and duplex serve "
      "give every consumer and producer the same output")
def _(t):
    results = {}
    for label, start in (("python seed server", lambda: PYTHON.server(t)),
                         ("node seed server", lambda: NODE.server(t)),
                         ("duplex serve", t.relay)):
        server, url = start()
        results[label] = seed_scenario(t, server, url)
        server.send_signal(15)
        t.finish(server)
    expected = {
        "python producer": [TEXT],
        "node producer": [ALL_BYTES.hex()],
        "duplex producer": ["from duplex ✓"],
        "python seed_consumer": [TEXT, ALL_BYTES.hex(), "from duplex ✓"],
        "node seed_consumer": [TEXT, ALL_BYTES.hex(), "from duplex ✓"],
        "duplex consume": [TEXT, ALL_BYTES.hex(), "from duplex ✓"],
    }
    for label, outputs in results.items():
        for peer, lines in expected.items():
            t.equal(outputs.get(peer), lines, f"{peer} output with the {label}")


@case("duplex serve stopping on SIGTERM closes python, node and duplex consumers with 1001")
def _(t):
    relay, url = t.relay()
    consumers = start_consumers(t, relay, url, 0)
    relay.send_signal(15)
    for consumer in consumers:
        t.finish(consumer)
    consumers[0].wait_stderr(r"^closed with code 1001, ")
    consumers[1].wait_stderr(r"^closed with code 1001, ")
    consumers[2].wait_stderr(r"^Closed by the server: 1001 ")
    t.finish(relay)
    relay.wait_stderr(r"^Stopping: closing 3 clients with 1001")


if __name__ == "__main__":
    sys.exit(harness.run_cases(require=["websockets", "node"]))
