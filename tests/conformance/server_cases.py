# server_cases.py: the suite as a client, against an echo server
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Each case opens its own connection, sends frames (masked, as a client
# must, unless the case is about that), and judges what comes back. The
# Duplex relay is an echo server while one client is connected: it sends
# every message to every client, the sender included. Case numbers follow
# Autobahn|Testsuite's sections where one matches.

import time

from wire import (BINARY, CLOSE, CONT, PING, PONG, TEXT, WAIT, Closed, Deflate, TimedOut,
                  close_payload, connect, failed, frame, header_values, informational,
                  non_strict, parse_extensions)

CASES = []

# The message limit every server under test is started with.
LIMIT = 1024 * 1024

VALID_CLOSE_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
                     3000, 3999, 4000, 4999]
INVALID_CLOSE_CODES = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]


def case(number, category, title, deflate=None, refusal_ok=False):
    """deflate: the Sec-WebSocket-Extensions offer; such a case runs only
    against servers that compress. refusal_ok: a refused handshake is a
    right answer."""
    def register(function):
        CASES.append({"id": number, "category": category, "title": title,
                      "deflate": deflate, "refusal_ok": refusal_ok, "run": function})
        return function
    return register


def describe(opcode, payload):
    kind = {TEXT: "text", BINARY: "binary", PING: "ping", PONG: "pong", CLOSE: "close"}.get(
        opcode, f"opcode {opcode}")
    return f"{kind} of {len(payload)} bytes"


class Session:
    """One connection to the server under test."""

    def __init__(self, host, port, offer=None):
        self.offer = offer
        self.wire, self.status, self.headers = connect(host, port, extensions=offer)
        if " 101 " not in self.status + " ":
            raise failed(f"the handshake was refused: {self.status}")
        self.inflate = None
        self.deflate = None
        self.closed_by_server = None

    def close(self):
        self.wire.close()

    # Sending --------------------------------------------------------------

    def send(self, *frames):
        """All frames in one write: the server is likely to read them at once."""
        self.wire.send(b"".join(frames))

    def send_slowly(self, *frames):
        """One frame per write, with a short pause, so each is its own read."""
        for f in frames:
            self.wire.send(f)
            time.sleep(0.05)

    def message(self, opcode, payload, fragments=1, compress=False):
        """The frames of one message."""
        if isinstance(payload, str):
            payload = payload.encode()
        rsv = 0
        if compress:
            payload = self.deflate.compress(payload)
            rsv = 4
        if fragments <= 1:
            return [frame(opcode, payload, rsv=rsv)]
        size = max(1, -(-len(payload) // fragments))
        parts = [payload[i:i + size] for i in range(0, len(payload), size)] or [b""]
        out = []
        for i, part in enumerate(parts):
            out.append(frame(opcode if i == 0 else CONT, part, fin=i == len(parts) - 1,
                             rsv=rsv if i == 0 else 0))
        return out

    # Receiving ------------------------------------------------------------

    def next_event(self, timeout=WAIT):
        """('message', opcode, payload), ('pong', payload), ('close', frame),
        ('eof',) or ('timeout',). A server's own protocol error is FAILED."""
        opcode, parts, compressed = None, [], False
        deadline = time.monotonic() + timeout
        while True:
            try:
                f = self.wire.read_frame(max(0.01, deadline - time.monotonic()))
            except Closed:
                return ("eof",)
            except TimedOut:
                return ("timeout",)
            if f.masked:
                raise failed("the server masked a frame")
            if f.rsv & 3 or (f.rsv & 4 and (self.inflate is None or f.opcode == CONT or f.control)):
                raise failed(f"the server set reserved bits {f.rsv} on {describe(f.opcode, f.payload)}")
            if f.control:
                if not f.fin or len(f.payload) > 125:
                    raise failed("the server sent a fragmented or oversized control frame")
                if f.opcode == PONG:
                    return ("pong", f.payload)
                if f.opcode == CLOSE:
                    return ("close", f)
                if f.opcode == PING:
                    self.send(frame(PONG, f.payload))
                    continue
                raise failed(f"the server sent a frame with opcode {f.opcode}")
            if f.opcode == CONT:
                if opcode is None:
                    raise failed("the server sent a continuation frame outside a message")
            else:
                if opcode is not None:
                    raise failed("the server started a message inside another")
                if f.opcode not in (TEXT, BINARY):
                    raise failed(f"the server sent a frame with opcode {f.opcode}")
                opcode, compressed = f.opcode, bool(f.rsv & 4)
            parts.append(f.payload)
            if f.fin:
                payload = b"".join(parts)
                if compressed:
                    try:
                        payload = self.inflate.decompress(payload)
                    except Exception as error:
                        raise failed(f"the server's compressed message does not inflate ({error})")
                if opcode == TEXT:
                    try:
                        payload.decode("utf-8")
                    except UnicodeDecodeError:
                        raise failed("the server sent text that is not UTF-8")
                return ("message", opcode, payload)

    def expect_message(self, opcode, payload, what=None):
        if isinstance(payload, str):
            payload = payload.encode()
        event = self.next_event()
        want = what or f"the echo of the {describe(opcode, payload)}"
        if event[0] == "message":
            if event[1] == opcode and event[2] == payload:
                return
            raise failed(f"expected {want}, got {describe(event[1], event[2])}"
                         + (" with other content" if event[1] == opcode
                            and len(event[2]) == len(payload) else ""))
        raise failed(f"expected {want}, got {self.say(event)}")

    def expect_pong(self, payload):
        event = self.next_event()
        if event[0] == "pong" and event[1] == payload:
            return
        if event[0] == "pong":
            raise failed(f"the pong carries {len(event[1])} bytes, not the ping's {len(payload)}")
        raise failed(f"expected a pong, got {self.say(event)}")

    def expect_echo_then_failure(self, opcode, payload, codes, why):
        """A valid message, then a bad frame in the same write: the echo of
        the message must come first. Failing at once without it is what
        Autobahn grades NON-STRICT."""
        event = self.next_event()
        if event[0] == "close" and event[1].close_code() in codes:
            self.send(frame(CLOSE, event[1].payload[:2]))
            raise non_strict(f"{why}: failed the connection without echoing the valid message "
                             "sent before it")
        if event[0] != "message" or event[1] != opcode or event[2] != payload:
            raise failed(f"expected the echo of the valid message, got {self.say(event)}")
        self.expect_failure(codes, why, allow_pongs=False)

    def say(self, event):
        if event[0] == "message":
            return describe(event[1], event[2])
        if event[0] == "close":
            return f"a close frame with code {event[1].close_code()}"
        if event[0] == "pong":
            return "a pong"
        if event[0] == "eof":
            return "the end of the connection"
        return f"nothing within {WAIT} s"

    def expect_failure(self, codes, why, allow_pongs=True, timeout=WAIT):
        """The server must fail the connection: a close frame with one of
        codes, and no echo of anything after the violation."""
        while True:
            event = self.next_event(timeout)
            if event[0] == "pong" and allow_pongs:
                continue
            break
        if event[0] == "close":
            code = event[1].close_code()
            self.send(frame(CLOSE, event[1].payload[:2]))
            if code in codes:
                return
            raise non_strict(f"{why}: closed with {code}, expected {' or '.join(map(str, codes))}")
        if event[0] == "eof":
            raise non_strict(f"{why}: dropped the connection without a close frame")
        if event[0] == "timeout":
            raise failed(f"{why}: the connection is still open after {timeout} s")
        raise failed(f"{why}: the server answered with {self.say(event)} instead of failing")

    def close_normally(self, code=1000, reason=b""):
        """Sends a close; the server must answer with a close (1000 or the
        same code) and end the connection."""
        self.send(frame(CLOSE, close_payload(code, reason)))
        event = self.next_event()
        while event[0] == "pong":
            event = self.next_event()
        if event[0] != "close":
            raise failed(f"after a close with {code}, expected the server's close, got {self.say(event)}")
        answer = event[1].close_code()
        if answer not in (1000, code, None if code is None else -1):
            if answer == 1002:
                raise failed(f"the server answered a close with {code} by 1002 (protocol error)")
            raise non_strict(f"the server answered a close with {code} by {answer}")
        if not self.wire.wait_eof(WAIT):
            raise failed(f"the server did not end the TCP connection within {WAIT} s of the close")
        self.closed_by_server = answer


# 1 Framing ----------------------------------------------------------------

def echo_case(number, opcode, size, fragments=1):
    payload = (b"*" * size) if opcode == TEXT else bytes(i & 0xFF for i in range(size))
    what = f"{'text' if opcode == TEXT else 'binary'} message of {size} bytes"
    if fragments > 1:
        what += f" in {fragments} fragments"

    @case(number, "Framing" if fragments == 1 else "Fragmentation", f"{what} is echoed")
    def run(s):
        s.send(*s.message(opcode, payload, fragments))
        s.expect_message(opcode, payload)
        s.close_normally()


for n, size in enumerate([0, 125, 126, 127, 128, 65535, 65536], 1):
    echo_case(f"1.1.{n}", TEXT, size)
    echo_case(f"1.2.{n}", BINARY, size)


@case("1.1.8", "Framing", "text message of 1000 bytes sent one byte per write is echoed")
def _(s):
    data = b"".join(s.message(TEXT, b"x" * 1000))
    for i in range(0, len(data), 1):
        s.wire.send(data[i:i + 1])
    s.expect_message(TEXT, b"x" * 1000)
    s.close_normally()


@case("1.3.1", "Framing", "50 text messages in one write are echoed in order")
def _(s):
    s.send(*[f for i in range(50) for f in s.message(TEXT, f"message {i}")])
    for i in range(50):
        s.expect_message(TEXT, f"message {i}")
    s.close_normally()


# 2 Pings -----------------------------------------------------------------

@case("2.1", "Pings", "ping without payload gets a pong without payload")
def _(s):
    s.send(frame(PING))
    s.expect_pong(b"")
    s.close_normally()


@case("2.2", "Pings", "ping with 125 bytes of binary gets the same pong")
def _(s):
    payload = bytes(range(125))
    s.send(frame(PING, payload))
    s.expect_pong(payload)
    s.close_normally()


@case("2.3", "Pings", "ping with 126 bytes fails the connection (1002)")
def _(s):
    s.send(frame(PING, b"x" * 126))
    s.expect_failure([1002], "a ping of 126 bytes")


@case("2.4", "Pings", "unsolicited pong is ignored")
def _(s):
    s.send(frame(PONG, b"unsolicited"), *s.message(TEXT, "after the pong"))
    s.expect_message(TEXT, "after the pong")
    s.close_normally()


@case("2.5", "Pings", "10 pings in one write get 10 pongs in order")
def _(s):
    s.send(*[frame(PING, f"ping {i}") for i in range(10)])
    for i in range(10):
        s.expect_pong(f"ping {i}".encode())
    s.close_normally()


@case("2.6", "Pings", "fragmented ping fails the connection (1002)")
def _(s):
    s.send(frame(PING, b"part", fin=False), frame(CONT, b"rest"))
    s.expect_failure([1002], "a fragmented ping")


# 3 Reserved bits ---------------------------------------------------------

for n, rsv in enumerate([1, 2, 3, 4, 5, 6, 7], 1):
    def rsv_case(rsv=rsv, n=n):
        @case(f"3.{n}", "Reserved bits",
              f"text with RSV={rsv} after a valid one: echo the first, then fail (1002)")
        def run(s):
            s.send(*s.message(TEXT, "valid"), frame(TEXT, "reserved", rsv=rsv), frame(PING))
            s.expect_echo_then_failure(TEXT, b"valid", [1002], f"a text frame with RSV={rsv}")
    rsv_case()


@case("3.8", "Reserved bits", "ping with RSV1 set fails the connection (1002)")
def _(s):
    s.send(frame(PING, b"rsv", rsv=4))
    s.expect_failure([1002], "a ping with RSV1", allow_pongs=False)


@case("3.9", "Reserved bits", "close with RSV2 set fails the connection (1002)")
def _(s):
    s.send(frame(CLOSE, close_payload(1000), rsv=2))
    s.expect_failure([1002], "a close with RSV2")


# 4 Opcodes ---------------------------------------------------------------

for n, opcode in enumerate([3, 4, 5, 6, 7], 1):
    def data_opcode_case(opcode=opcode, n=n):
        @case(f"4.1.{n}", "Opcodes",
              f"reserved data opcode {opcode} after a valid text: echo it, then fail (1002)")
        def run(s):
            s.send(*s.message(TEXT, "valid"), frame(opcode, b"reserved"), frame(PING))
            s.expect_echo_then_failure(TEXT, b"valid", [1002], f"a frame with opcode {opcode}")
    data_opcode_case()

for n, opcode in enumerate([11, 12, 13, 14, 15], 1):
    def control_opcode_case(opcode=opcode, n=n):
        @case(f"4.2.{n}", "Opcodes",
              f"reserved control opcode {opcode} after a valid text: echo it, then fail (1002)")
        def run(s):
            s.send(*s.message(TEXT, "valid"), frame(opcode, b"reserved"), frame(PING))
            s.expect_echo_then_failure(TEXT, b"valid", [1002], f"a frame with opcode {opcode}")
    control_opcode_case()


# 5 Fragmentation ---------------------------------------------------------

echo_case("5.1", TEXT, 100, fragments=2)
echo_case("5.2", BINARY, 100, fragments=2)
echo_case("5.3", TEXT, 200, fragments=200)
echo_case("5.4", BINARY, 300 * 1024, fragments=30)


@case("5.5", "Fragmentation", "ping between fragments is answered and the message echoed")
def _(s):
    first, second = s.message(TEXT, "fragmented", 2)
    s.send(first, frame(PING, b"between"), second)
    s.expect_pong(b"between")
    s.expect_message(TEXT, "fragmented")
    s.close_normally()


@case("5.6", "Fragmentation", "fragments and a ping sent one per read are handled the same")
def _(s):
    first, second = s.message(TEXT, "fragmented", 2)
    s.send_slowly(first, frame(PING, b"between"), second)
    s.expect_pong(b"between")
    s.expect_message(TEXT, "fragmented")
    s.close_normally()


@case("5.7", "Fragmentation", "continuation without a message fails the connection (1002)")
def _(s):
    s.send(frame(CONT, b"orphan"))
    s.expect_failure([1002], "a continuation outside a message")


@case("5.8", "Fragmentation", "final continuation without a message fails (1002)")
def _(s):
    s.send(*s.message(TEXT, "valid"), frame(CONT, b"orphan", fin=True))
    s.expect_echo_then_failure(TEXT, b"valid", [1002], "a continuation outside a message")


@case("5.9", "Fragmentation", "new text inside a fragmented message fails (1002)")
def _(s):
    s.send(frame(TEXT, b"first", fin=False), frame(TEXT, b"second"))
    s.expect_failure([1002], "a text frame inside a fragmented message")


@case("5.10", "Fragmentation", "close between fragments is answered (message abandoned)")
def _(s):
    s.send(frame(TEXT, b"first", fin=False))
    s.close_normally()


# 6 UTF-8 -----------------------------------------------------------------

VALID_UTF8 = "κόσμε Привет ✓ 🎉 \u0000 \ufeff \U0010ffff".encode()


@case("6.1", "UTF-8", "valid multi-byte UTF-8 is echoed")
def _(s):
    s.send(*s.message(TEXT, VALID_UTF8))
    s.expect_message(TEXT, VALID_UTF8)
    s.close_normally()


@case("6.2", "UTF-8", "valid UTF-8 split inside code points over fragments is echoed")
def _(s):
    s.send(*s.message(TEXT, VALID_UTF8, fragments=len(VALID_UTF8)))
    s.expect_message(TEXT, VALID_UTF8)
    s.close_normally()


INVALID_UTF8 = [
    ("a lone continuation byte", b"ab\x80cd"),
    ("an overlong encoding of /", b"ab\xc0\xafcd"),
    ("a UTF-16 surrogate", b"ab\xed\xa0\x80cd"),
    ("a code point past U+10FFFF", b"ab\xf4\x90\x80\x80cd"),
    ("the byte 0xff", b"ab\xffcd"),
    ("a sequence cut by the end of the message", b"abcd\xe2\x82"),
]

for n, (what, payload) in enumerate(INVALID_UTF8, 1):
    def utf8_case(what=what, payload=payload, n=n):
        @case(f"6.3.{n}", "UTF-8", f"text with {what} fails the connection (1007)")
        def run(s):
            s.send(*s.message(TEXT, payload))
            s.expect_failure([1007], f"text with {what}")

        @case(f"6.4.{n}", "UTF-8", f"text with {what}, split over fragments, fails (1007)")
        def run_fragmented(s):
            s.send(*s.message(TEXT, payload, fragments=len(payload)))
            s.expect_failure([1007], f"fragmented text with {what}")
    utf8_case()


@case("6.5.1", "UTF-8", "fail fast: a first fragment with invalid UTF-8 fails at once (1007)")
def _(s):
    s.send(frame(TEXT, b"valid start \xed\xa0\x80 then invalid", fin=False))
    fail_fast(s, frame(CONT, b" and the end"))


@case("6.5.2", "UTF-8", "fail fast: invalid UTF-8 in a frame not yet complete fails at once (1007)")
def _(s):
    whole = frame(TEXT, b"abc \xf4\x90\x80\x80" + b"x" * 200)
    s.send(whole[:20])
    fail_fast(s, whole[20:])


@case("6.5.3", "UTF-8", "fail fast: invalid UTF-8 in a third fragment fails at once (1007)")
def _(s):
    s.send(frame(TEXT, b"one ", fin=False), frame(CONT, "κό".encode()[:3], fin=False),
           frame(CONT, b"\xff three", fin=False))
    fail_fast(s, frame(CONT, b" end"))


def fail_fast(s, rest):
    event = s.next_event(WAIT)
    if event[0] == "close" and event[1].close_code() == 1007:
        s.send(frame(CLOSE, close_payload(1007)))
        return
    if event[0] == "timeout":
        # Autobahn grades a failure only at the end of the message NON-STRICT.
        s.send(rest)
        s.expect_failure([1007], "invalid UTF-8")
        raise non_strict(f"the server did not act on invalid UTF-8 until the message ended "
                         f"(waited {WAIT} s)")
    raise failed(f"at the first invalid byte, expected a close with 1007, got {s.say(event)}")


# 7 Close handling --------------------------------------------------------

@case("7.1.1", "Close handling", "close without payload is answered and TCP ends")
def _(s):
    s.close_normally(code=None)


@case("7.1.2", "Close handling", "a message, then a close in one write: echo, then close")
def _(s):
    s.send(*s.message(TEXT, "before the close"), frame(CLOSE, close_payload(1000)))
    s.expect_message(TEXT, "before the close")
    event = s.next_event()
    if event[0] != "close":
        raise failed(f"expected the server's close, got {s.say(event)}")


@case("7.1.3", "Close handling", "a message after the close is not echoed")
def _(s):
    s.send(frame(CLOSE, close_payload(1000)), *s.message(TEXT, "after the close"))
    event = s.next_event()
    if event[0] != "close":
        raise failed(f"expected the server's close, got {s.say(event)}")
    if s.next_event(0.5)[0] == "message":
        raise failed("the server echoed a message sent after the close")


@case("7.1.4", "Close handling", "a ping after the close is not answered")
def _(s):
    s.send(frame(CLOSE, close_payload(1000)), frame(PING, b"after"))
    event = s.next_event()
    if event[0] != "close":
        raise failed(f"expected the server's close, got {s.say(event)}")
    event = s.next_event(0.5)
    if event[0] == "pong":
        raise failed("the server answered a ping sent after the close")


@case("7.1.5", "Close handling", "a fragmented message cut by a close is not echoed")
def _(s):
    s.send(frame(TEXT, b"half", fin=False), frame(CLOSE, close_payload(1000)),
           frame(CONT, b" message"))
    event = s.next_event()
    if event[0] != "close":
        raise failed(f"expected the server's close, got {s.say(event)}")


@case("7.3.1", "Close handling", "close with a 1-byte payload fails the connection (1002)")
def _(s):
    s.send(frame(CLOSE, b"\x03"))
    s.expect_failure([1002], "a close with a 1-byte payload")


@case("7.3.2", "Close handling", "close with 1000 and a 123-byte reason is answered")
def _(s):
    s.close_normally(1000, b"r" * 123)


@case("7.3.3", "Close handling", "close with a 124-byte reason (126 bytes) fails (1002)")
def _(s):
    s.send(frame(CLOSE, close_payload(1000, b"r" * 124)))
    s.expect_failure([1002], "a close frame of 126 bytes")


@case("7.5.1", "Close handling", "close with a reason that is not UTF-8 fails (1002 or 1007)")
def _(s):
    s.send(frame(CLOSE, close_payload(1000, b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80")))
    s.expect_failure([1002, 1007], "a close reason that is not UTF-8")


for code in VALID_CLOSE_CODES:
    def valid_close_case(code=code):
        @case(f"7.7.{code}", "Close handling", f"close with code {code} is answered with 1000 or {code}")
        def run(s):
            s.close_normally(code, b"bye")
    valid_close_case()

for code in INVALID_CLOSE_CODES:
    def invalid_close_case(code=code):
        @case(f"7.9.{code}", "Close handling", f"close with code {code} fails the connection (1002)")
        def run(s):
            s.send(frame(CLOSE, close_payload(code, b"bye")))
            s.expect_failure([1002], f"a close with code {code}")
    invalid_close_case()


# 9 Limits ----------------------------------------------------------------

echo_case("9.1.1", TEXT, LIMIT)
echo_case("9.1.2", BINARY, LIMIT, fragments=64)


@case("9.2.1", "Limits", "a message over the limit in one frame fails (1009)")
def _(s):
    s.send(frame(BINARY, b"\x00" * (LIMIT + 1)))
    s.expect_failure([1009], "a message over the limit")


@case("9.2.2", "Limits", "a message over the limit in 100 fragments fails (1009)")
def _(s):
    s.send(*s.message(BINARY, b"\x00" * (LIMIT + 100), fragments=100))
    s.expect_failure([1009], "a fragmented message over the limit")


@case("9.2.3", "Limits", "a 64-bit length with the top bit set fails, and TCP ends promptly")
def _(s):
    started = time.monotonic()
    s.send(frame(BINARY, b"", length=1 << 63)[:14] + frame(CLOSE, close_payload(1000)))
    try:
        s.expect_failure([1002, 1009], "a length with the top bit set")
    finally:
        # Nothing after such a header can be read as frames: the server must
        # not wait for a close reply it could never recognise. Its closing
        # timers are seconds long; this takes milliseconds when done right.
        if not s.wire.wait_eof(WAIT):
            raise failed(f"the connection is still open {WAIT} s after the close")
        waited = time.monotonic() - started
        if waited > 1.5:
            raise failed(f"the TCP connection lingered {waited:.1f} s after the close")


# 12-13 permessage-deflate ------------------------------------------------

DEFLATE_OFFERS = [
    ("12.1", "permessage-deflate"),
    ("12.2", "permessage-deflate; client_max_window_bits"),
    ("12.3", "permessage-deflate; client_no_context_takeover"),
    ("12.4", "permessage-deflate; server_no_context_takeover"),
    ("12.5", "permessage-deflate; client_no_context_takeover; server_no_context_takeover"),
    ("12.6", "permessage-deflate; server_max_window_bits=9"),
    ("12.7", "permessage-deflate; client_max_window_bits=9"),
    ("12.8", "permessage-deflate; server_max_window_bits=15; client_max_window_bits=15"),
    ("12.9", "permessage-deflate; client_max_window_bits=10; server_max_window_bits=12; "
             "server_no_context_takeover"),
    ("13.1", "permessage-deflate; server_max_window_bits=10, permessage-deflate"),
    ("13.2", "permessage-deflate; client_no_context_takeover, permessage-deflate; "
             "server_no_context_takeover, permessage-deflate"),
    ("13.3", "x-webkit-deflate-frame, permessage-deflate; client_max_window_bits"),
]


def negotiate(s):
    """Checks the server's answer to the offer and sets up both directions."""
    offered = parse_extensions([s.offer])
    answer = parse_extensions(header_values(s.headers, "sec-websocket-extensions"))
    if not answer:
        raise informational("the server declined permessage-deflate")
    if len(answer) != 1:
        raise failed(f"the server accepted {len(answer)} extensions in one response: "
                     f"{', '.join(header_values(s.headers, 'sec-websocket-extensions'))}")
    name, params = answer[0]
    if name != "permessage-deflate":
        raise failed(f"the server accepted {name}, which was offered but not as permessage-deflate")
    names = [k for k, _ in params]
    if len(set(names)) != len(names):
        raise failed("the server's answer repeats a parameter")
    got = dict(params)
    deflate_offers = [dict(p) for n, p in offered if n == "permessage-deflate"]
    if not any(answer_fits(offer, got) for offer in deflate_offers):
        raise failed(f"the answer {header_values(s.headers, 'sec-websocket-extensions')[0]!r} "
                     f"fits none of the offers")
    client_bits = int(got.get("client_max_window_bits") or 15)
    server_bits = int(got.get("server_max_window_bits") or 15)
    s.deflate = Deflate(send_bits=client_bits,
                        send_reset="client_no_context_takeover" in got)
    s.inflate = Deflate(receive_bits=server_bits)


def answer_fits(offer, got):
    for key, value in got.items():
        if key == "server_no_context_takeover":
            if value is not None:
                return False
        elif key == "client_no_context_takeover":
            if value is not None:
                return False
        elif key == "server_max_window_bits":
            if value is None or not value.isdigit() or not 8 <= int(value) <= 15:
                return False
            if "server_max_window_bits" in offer and int(value) > int(offer["server_max_window_bits"]):
                return False
        elif key == "client_max_window_bits":
            if "client_max_window_bits" not in offer:
                return False
            if value is None or not value.isdigit() or not 8 <= int(value) <= 15:
                return False
            if offer["client_max_window_bits"] and int(value) > int(offer["client_max_window_bits"]):
                return False
        else:
            return False
    if "server_no_context_takeover" in offer and "server_no_context_takeover" not in got:
        return False
    if "server_max_window_bits" in offer and "server_max_window_bits" not in got:
        return False
    return True


COMPRESSIBLE = ("Hello, conformance! " * 200).encode()

for number, offer in DEFLATE_OFFERS:
    def offer_case(number=number, offer=offer):
        @case(number, "permessage-deflate", f"offer “{offer}”: one answer that fits, "
              "messages echoed both ways compressed", deflate=offer)
        def run(s):
            negotiate(s)
            # Repeated messages exercise the sliding window when context
            # takeover is allowed, and its reset when it is not.
            for i in range(3):
                s.send(*s.message(TEXT, COMPRESSIBLE, compress=True))
                s.expect_message(TEXT, COMPRESSIBLE)
            s.send(*s.message(BINARY, bytes(range(256)) * 64, compress=True))
            s.expect_message(BINARY, bytes(range(256)) * 64)
            s.close_normally()
    offer_case()


@case("12.10", "permessage-deflate", "an empty compressed message is echoed",
      deflate="permessage-deflate")
def _(s):
    negotiate(s)
    s.send(*s.message(TEXT, b"", compress=True))
    s.expect_message(TEXT, b"")
    s.close_normally()


@case("12.11", "permessage-deflate", "a compressed message in 10 fragments is echoed",
      deflate="permessage-deflate")
def _(s):
    negotiate(s)
    s.send(*s.message(TEXT, COMPRESSIBLE, fragments=10, compress=True))
    s.expect_message(TEXT, COMPRESSIBLE)
    s.close_normally()


@case("12.12", "permessage-deflate", "compressed and plain messages mixed are echoed",
      deflate="permessage-deflate")
def _(s):
    negotiate(s)
    s.send(*s.message(TEXT, "plain one"), *s.message(TEXT, COMPRESSIBLE, compress=True),
           *s.message(BINARY, b"plain two"))
    s.expect_message(TEXT, "plain one")
    s.expect_message(TEXT, COMPRESSIBLE)
    s.expect_message(BINARY, b"plain two")
    s.close_normally()


@case("12.13", "permessage-deflate",
      "an uncompressed first fragment and a continuation with RSV1 fail (1002)",
      deflate="permessage-deflate")
def _(s):
    negotiate(s)
    squeezed = s.deflate.compress(b"compressed continuation")
    s.send(frame(TEXT, b"plain start ", fin=False), frame(CONT, squeezed, rsv=4))
    s.expect_failure([1002], "RSV1 on a continuation frame")


@case("12.14", "permessage-deflate",
      "a compressed first fragment and a continuation with RSV1 again fail (1002)",
      deflate="permessage-deflate")
def _(s):
    negotiate(s)
    squeezed = s.deflate.compress(COMPRESSIBLE)
    s.send(frame(TEXT, squeezed[:10], fin=False, rsv=4), frame(CONT, squeezed[10:], rsv=4))
    s.expect_failure([1002], "RSV1 on a continuation frame")


@case("12.15", "permessage-deflate", "a ping with RSV1 fails (1002)", deflate="permessage-deflate")
def _(s):
    negotiate(s)
    s.send(frame(PING, b"x", rsv=4))
    s.expect_failure([1002], "RSV1 on a ping", allow_pongs=False)


@case("12.16", "permessage-deflate", "compressed data that does not inflate fails (1007)",
      deflate="permessage-deflate")
def _(s):
    negotiate(s)
    s.send(frame(BINARY, b"\xff\xff\xff\xff not deflate", rsv=4))
    s.expect_failure([1007, 1002], "data that does not inflate")


@case("12.17", "permessage-deflate", "a small frame that inflates past the limit fails (1009)",
      deflate="permessage-deflate")
def _(s):
    negotiate(s)
    s.send(*s.message(BINARY, b"\x00" * (LIMIT * 2), compress=True))
    s.expect_failure([1009], "a message that inflates past the limit")


@case("12.18", "permessage-deflate", "compressed text that inflates to invalid UTF-8 fails (1007)",
      deflate="permessage-deflate")
def _(s):
    negotiate(s)
    s.send(*s.message(TEXT, b"abc \xed\xa0\x80 def", compress=True))
    s.expect_failure([1007], "compressed invalid UTF-8")


@case("12.19", "permessage-deflate",
      "an offer with server_max_window_bits=7 is declined or refused, never accepted",
      deflate="permessage-deflate; server_max_window_bits=7", refusal_ok=True)
def _(s):
    answer = header_values(s.headers, "sec-websocket-extensions")
    if answer:
        raise failed(f"the server accepted an invalid offer: {answer[0]!r}")
    s.close_normally()
