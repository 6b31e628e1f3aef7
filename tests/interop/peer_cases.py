# peer_cases.py: the same interoperability cases for every peer library
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Each case runs one library's tutorial peers (Python websockets or Node ws)
# against `duplex serve`, or `duplex consume` and `duplex produce` against
# that library's tutorial server, and checks what a user would look at:
# the lines the consumers and producers print, their exit status, the
# close code and reason each side reports.

import json

from harness import ALL_BYTES, LARGE_BYTES, TEXT, case, decode_json_line


class Peers:
    """How to start one library's peers."""

    def __init__(self, label, extension):
        self.label = label
        self._extension = extension

    def _start(self, t, role, *args):
        start = t.python if self._extension == "py" else t.node
        return start(f"{self.label} {role}", f"{role}.{self._extension}", *args)

    def consumer(self, t, url, count):
        return self._start(t, "seed_consumer", url, str(count))

    def producer(self, t, url, message=None, binary=None, name="message.bin"):
        if binary is not None:
            return self._start(t, "seed_producer", url, "--binary-file", t.write_file(name, binary))
        return self._start(t, "seed_producer", url, message)

    def server(self, t):
        return t.server(self._start(t, "seed_server", "0"))

    def probe_client(self, t, url, *args):
        return self._start(t, "probe_peer", "client", url, *args)

    def probe_server(self, t, *args):
        return t.server(self._start(t, "probe_peer", "server", *args))


PYTHON = Peers("python", "py")
NODE = Peers("node", "js")


def expected_line(payload):
    return payload.hex() if isinstance(payload, bytes) else payload


def probe_result(t, probe):
    t.finish(probe)
    t.check(len(probe.stdout) == 1, f"{probe.name} prints one JSON line", probe.stdout)
    return json.loads(probe.stdout[0])


def register(peers):
    label = peers.label

    # Their peers on our relay ---------------------------------------------

    def relay_round_trip(t, payload):
        relay, url = t.relay()
        consumer = peers.consumer(t, url, 1)
        t.wait_clients(relay, 1)
        if isinstance(payload, bytes):
            producer = peers.producer(t, url, binary=payload)
        else:
            producer = peers.producer(t, url, payload)
        t.finish(producer)
        t.equal(producer.stdout, [expected_line(payload)],
                "the producer prints its own message, relayed back to it")
        t.finish(consumer)
        t.equal(consumer.stdout, [expected_line(payload)], "the consumer prints the message")

    @case(f"{label} producer's UTF-8 text crosses duplex serve to a {label} consumer "
          "and back to the producer")
    def _(t):
        relay_round_trip(t, TEXT)

    @case(f"{label} producer's binary message with every byte value (0x00, 0xff) "
          "crosses duplex serve byte-exact")
    def _(t):
        relay_round_trip(t, ALL_BYTES)

    @case(f"{label} producer's {len(LARGE_BYTES) // 1024} KiB binary message crosses "
          "duplex serve byte-exact")
    def _(t):
        relay_round_trip(t, LARGE_BYTES)

    @case(f"duplex produce's text, every byte value and {len(LARGE_BYTES) // 1024} KiB reach a "
          f"{label} consumer through duplex serve byte-exact")
    def _(t):
        relay, url = t.relay()
        consumer = peers.consumer(t, url, 3)
        t.wait_clients(relay, 1)
        text = t.finish(t.duplex("duplex produce (text)", "produce", url, TEXT))
        t.equal(text.stdout, [TEXT], "duplex produce prints its text, relayed back")
        for name, payload in (("all.bin", ALL_BYTES), ("large.bin", LARGE_BYTES)):
            binary = t.finish(t.duplex(f"duplex produce ({name})", "produce", url, "--binary-file",
                                       t.write_file(name, payload)))
            t.equal(binary.stdout, [payload.hex()], f"duplex produce prints {name} back as hex")
        t.finish(consumer)
        t.equal(consumer.stdout, [TEXT, ALL_BYTES.hex(), LARGE_BYTES.hex()],
                "the consumer prints the three messages")

    @case(f"{label} client closing with 4000 \"bye\" is logged by duplex serve as 4000 "
          "“bye” and answered with 4000 \"bye\"")
    def _(t):
        relay, url = t.relay()
        probe = peers.probe_client(t, url, "--send", "ping", "--close-code", "4000",
                                   "--close-reason", "bye")
        result = probe_result(t, probe)
        t.equal(result["reply"], "ping", "the relay echoes the client's message first")
        t.equal((result["close_code"], result["close_reason"]), (4000, "bye"),
                "the client receives the close frame 4000 \"bye\" back")
        relay.wait_stderr(r"disconnected \(4000, application code, “bye”\)")

    @case(f"{label} client offering subprotocols duplex.v2, duplex.v1 gets duplex.v2 "
          "from duplex serve")
    def _(t):
        relay, url = t.relay()
        probe = peers.probe_client(t, url, "--protocol", "duplex.v2", "--protocol", "duplex.v1",
                                   "--send", "with a subprotocol")
        result = probe_result(t, probe)
        t.equal(result["protocol"], "duplex.v2", "the first offered subprotocol is selected")
        t.equal(result["reply"], "with a subprotocol", "messages flow under the subprotocol")
        t.equal(result["close_code"], 1000, "the client's 1000 is answered with 1000")

    @case(f"duplex serve stopping on SIGTERM closes a {label} consumer with 1001")
    def _(t):
        relay, url = t.relay()
        consumer = peers.consumer(t, url, 0)
        t.wait_clients(relay, 1)
        relay.send_signal(15)
        t.finish(consumer)
        consumer.wait_stderr(r"^closed with code 1001, ")
        t.finish(relay)
        relay.wait_stderr(r"^Stopping: closing 1 clients with 1001")

    @case(f"{label} producer sending more than --max-message-size is closed with 1009; "
          "the relay keeps serving")
    def _(t):
        relay, url = t.relay("--max-message-size", "65536")
        consumer = peers.consumer(t, url, 1)
        t.wait_clients(relay, 1)
        big = peers.producer(t, url, binary=bytes(100 * 1024), name="big.bin")
        t.finish(big, expected_status=1)
        big.wait_stderr(r"^closed with code 1009, ")
        relay.wait_stderr(r"closed by the relay \(1009, ")
        t.equal(big.stdout, [], "the oversized message is not relayed back")
        small = t.finish(peers.producer(t, url, "small enough"))
        t.equal(small.stdout, ["small enough"], "a later message is relayed")
        t.finish(consumer)
        t.equal(consumer.stdout, ["small enough"], "the consumer never sees the oversized one")

    @case(f"{label} peers negotiate permessage-deflate with duplex serve --deflate; "
          f"{len(LARGE_BYTES) // 1024} KiB crosses byte-exact")
    def _(t):
        relay, url = t.relay("--deflate")
        probe = peers.probe_client(t, url, "--send", TEXT)
        result = probe_result(t, probe)
        t.equal(result["extensions"], ["permessage-deflate"], "permessage-deflate is negotiated")
        t.equal(result["reply"], TEXT, "compressed text comes back intact")
        producer = peers.producer(t, url, binary=LARGE_BYTES)
        t.finish(producer)
        t.equal(producer.stdout, [LARGE_BYTES.hex()], "compressed binary comes back byte-exact")

    @case(f"duplex serve answers a {label} client's ping with a pong carrying the same data")
    def _(t):
        relay, url = t.relay()
        result = probe_result(t, peers.probe_client(t, url, "--ping", "are you there?",
                                                    "--send", "after the ping"))
        t.equal(result["pong"], "are you there?", "the pong's data")
        t.equal(result["reply"], "after the ping", "messages still flow after the ping")

    @case(f"{label} client's binary message in 4 fragments crosses duplex serve as one "
          "message, byte-exact")
    def _(t):
        relay, url = t.relay()
        consumer = t.duplex("duplex consume", "consume", url, "--json", "--count", "1")
        t.wait_clients(relay, 1)
        payload = ALL_BYTES * 100
        result = probe_result(t, peers.probe_client(
            t, url, "--send-file", t.write_file("fragmented.bin", payload), "--fragments", "4"))
        t.equal(result["reply"], payload.hex(), "the sender gets the whole message back")
        t.finish(consumer)
        t.equal([decode_json_line(line) for line in consumer.stdout], [("binary", payload)],
                "duplex consume prints one binary message")

    @case(f"{label} client's fragmented message over --max-message-size is closed with 1009")
    def _(t):
        relay, url = t.relay("--max-message-size", "65536")
        result = probe_result(t, peers.probe_client(
            t, url, "--send-file", t.write_file("big.bin", bytes(100 * 1024)), "--fragments", "4"))
        t.equal(result["reply"], None, "nothing comes back")
        t.equal(result["close_code"], 1009, "the relay closes the client with 1009")
        relay.wait_stderr(r"closed by the relay \(1009, ")

    @case(f"{label} client's 10 MiB message compressed by permessage-deflate is closed with "
          "1009 by duplex serve --deflate")
    def _(t):
        relay, url = t.relay("--deflate", "--max-message-size", "1M")
        result = probe_result(t, peers.probe_client(
            t, url, "--send-file", t.write_file("zeros.bin", bytes(10 * 1024 * 1024))))
        t.equal(result["extensions"], ["permessage-deflate"], "permessage-deflate is negotiated")
        t.equal(result["reply"], None, "nothing comes back")
        t.equal(result["close_code"], 1009, "the relay closes the client with 1009")
        relay.wait_stderr(r"closed by the relay \(1009, ")

    @case(f"duplex serve refuses clients beyond --max-clients and keeps serving the "
          f"{label} consumer it has")
    def _(t):
        relay, url = t.relay("--max-clients", "1")
        first = peers.consumer(t, url, 1)
        t.wait_clients(relay, 1)
        refused = t.finish(t.duplex("duplex produce", "produce", url, "one too many"),
                           expected_status=1)
        refused.wait_stderr(r"HTTP 503 ")
        relay.send_signal(15)
        t.finish(first)
        t.equal(first.stdout, [], "the consumer got no message")
        first.wait_stderr(r"^closed with code 1001, ")

    if label == "node":
        # websockets cannot send invalid UTF-8 as text; ws sends what it is given.
        @case("node client's text frame with invalid UTF-8 is closed with 1007; duplex serve "
              "keeps serving")
        def _(t):
            relay, url = t.relay()
            consumer = t.duplex("duplex consume", "consume", url, "--count", "1")
            t.wait_clients(relay, 1)
            result = probe_result(t, peers.probe_client(t, url, "--send-invalid-utf8"))
            t.equal(result["reply"], None, "nothing comes back")
            t.equal(result["close_code"], 1007, "the relay closes the client with 1007")
            relay.wait_stderr(r"closed by the relay \(1007, ")
            sent = t.finish(t.duplex("duplex produce", "produce", url, "valid"))
            t.equal(sent.stdout, ["valid"], "a later message is relayed")
            t.finish(consumer)
            t.equal(consumer.stdout, ["valid"], "duplex consume never sees the invalid text")

    # The relay closes a refused client's connection: websockets waits for
    # that before it reports the status.
    @case(f"a {label} client refused by a full duplex serve sees HTTP 503 within 5 s")
    def _(t):
        relay, url = t.relay("--max-clients", "1")
        first = t.duplex("duplex consume", "consume", url)
        t.wait_clients(relay, 1)
        second = peers.consumer(t, url, 1)
        second.wait_stderr(r"\b503\b", timeout=5)
        t.finish(second, expected_status=1)

    # Our clients on their server -------------------------------------------

    @case(f"duplex produce and duplex consume exchange text through the {label} seed "
          "server, sender included")
    def _(t):
        server, url = peers.server(t)
        consumer = t.duplex("duplex consume", "consume", url, "--count", "1")
        t.wait_clients(server, 1)
        producer = t.finish(t.duplex("duplex produce", "produce", url, TEXT))
        t.equal(producer.stdout, [TEXT], "the seed server sends the message back to its sender")
        t.finish(consumer)
        t.equal(consumer.stdout, [TEXT], "duplex consume prints the text")
        server.wait_stderr(r'disconnected \(1000, ""\); 1 connected$')

    @case(f"binary messages (every byte value, {len(LARGE_BYTES) // 1024} KiB) cross the "
          f"{label} seed server to duplex byte-exact")
    def _(t):
        server, url = peers.server(t)
        consumer = t.duplex("duplex consume", "consume", url, "--count", "2", "--json")
        t.wait_clients(server, 1)
        for name, payload in (("all.bin", ALL_BYTES), ("large.bin", LARGE_BYTES)):
            producer = t.finish(t.duplex(f"duplex produce ({name})", "produce", url,
                                         "--binary-file", t.write_file(name, payload)))
            t.equal(producer.stdout, [payload.hex()], f"duplex produce gets {name} back")
        t.finish(consumer)
        t.equal(len(consumer.stdout), 2, "duplex consume --json prints two lines")
        t.equal(decode_json_line(consumer.stdout[0]), ("binary", ALL_BYTES),
                "the first message is binary, byte-exact")
        t.equal(decode_json_line(consumer.stdout[1]), ("binary", LARGE_BYTES),
                "the large message is binary, byte-exact")

    @case(f"{label} server closing with 4000 \"bye\" is reported by duplex consume as "
          "4000 “bye”, and answered in kind")
    def _(t):
        server, url = peers.probe_server(t, "--greeting", "hello", "--close-code", "4000",
                                         "--close-reason", "bye")
        consumer = t.duplex("duplex consume", "consume", url)
        t.finish(consumer, expected_status=1)
        t.equal(consumer.stdout, ["hello"], "duplex consume prints the message sent before the close")
        consumer.wait_stderr(r"^Closed by the server: 4000 \(.*\) “bye”$")
        server.wait_stderr(r'the client answered 4000 "bye"$')

    @case(f"duplex consume sends its URL path and query, --header, --origin and subprotocols "
          f"to a {label} server and gets the first subprotocol")
    def _(t):
        server, url = peers.probe_server(t, "--protocol", "duplex.v2", "--protocol", "duplex.v1",
                                         "--greeting", "hi", "--close-code", "1000")
        consumer = t.duplex("duplex consume", "consume", url + "chat/room?id=7&name=%C3%A9",
                            "--header", "X-Interop-Token: abc 123",
                            "--origin", "http://example.test",
                            "--protocol", "duplex.v2", "--protocol", "duplex.v1")
        t.finish(consumer)
        consumer.wait_stderr(r"^Connected to .* \(subprotocol: duplex\.v2;")
        t.equal(consumer.stdout, ["hi"], "duplex consume prints the server's message")
        consumer.wait_stderr(r"^Closed by the server: 1000 ")
        request = json.loads(server.wait_stderr(r"^\+ connected (\{.*\})$").group(1))
        t.equal(request["path"], "/chat/room?id=7&name=%C3%A9", "the request path the server saw")
        t.equal(request["subprotocol"], "duplex.v2", "the subprotocol the server chose")
        t.equal(request["headers"].get("x-interop-token"), "abc 123", "the --header value")
        t.equal(request["headers"].get("origin"), "http://example.test", "the --origin value")
        t.equal(request["headers"].get("sec-websocket-protocol"), "duplex.v2, duplex.v1",
                "the subprotocols offered, in order")

    @case(f"duplex consume answers a {label} server's ping with a pong carrying the same data")
    def _(t):
        server, url = peers.probe_server(t, "--ping", "still there?", "--greeting", "after the ping",
                                         "--close-code", "1000")
        consumer = t.finish(t.duplex("duplex consume", "consume", url))
        t.equal(consumer.stdout, ["after the ping"], "duplex consume prints the message after the ping")
        answer = server.wait_stderr(r"^(pong|no pong)(.*)$")
        t.equal(answer.group(0), 'pong "still there?"', "the server's log of the pong")

    def oversized_to_consume(t):
        server, url = peers.probe_server(t, "--greeting", "x" * 100_000, "--close-code", "1000")
        consumer = t.duplex("duplex consume", "consume", url, "--max-message-size", "64K")
        t.finish(consumer, expected_status=1)
        t.equal(consumer.stdout, [], "duplex consume prints nothing")
        return server, consumer

    @case(f"duplex consume --max-message-size 64K refuses a 100 kB message from a {label} "
          "server and exits 1")
    def _(t):
        server, consumer = oversized_to_consume(t)
        consumer.wait_stderr(r"larger than")

    @case(f"duplex consume refusing a message over --max-message-size tells the {label} "
          "server with 1009")
    def _(t):
        server, consumer = oversized_to_consume(t)
        answer = server.wait_stderr(r"the client answered (\d+) ")
        t.equal(answer.group(1), "1009", "the close code the server got")

    @case(f"the {label} seed server stopping on SIGTERM closes duplex consume with 1001")
    def _(t):
        server, url = peers.server(t)
        consumer = t.duplex("duplex consume", "consume", url)
        t.wait_clients(server, 1)
        server.send_signal(15)
        t.finish(consumer)
        consumer.wait_stderr(r"^Closed by the server: 1001 ")
        t.finish(server)
