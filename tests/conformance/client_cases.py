# client_cases.py: the suite as a bad server, against a consuming client
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Each case starts the client under test (it prints every message on its
# own line: text as it is, binary as lowercase hex), accepts its connection,
# sends frames, and judges what the client answers on the wire, what it
# printed, and how it exited. For Duplex, the case also names the words its
# report on stderr must contain. Behind most bad frames and every close
# comes a text message, "injected", that no client may print.

import time

from wire import (BINARY, CLOSE, CONT, PING, PONG, TEXT, WAIT, Closed, TimedOut, Verdict,
                  close_payload, failed, frame, non_strict)

CASES = []


def case(number, category, title):
    def register(function):
        CASES.append({"id": number, "category": category, "title": title, "run": function})
        return function
    return register


def server_frame(opcode, payload=b"", **kwargs):
    kwargs.setdefault("masked", False)
    return frame(opcode, payload, **kwargs)


def text(payload, **kwargs):
    return server_frame(TEXT, payload, **kwargs)


class Peer:
    """The client's connection, seen from the suite's server side, and what
    the case expects of the client's output once it exits."""

    def __init__(self, wire):
        self.wire = wire
        self.printed = []          # lines the client must print, in order
        self.exit = None           # "ok", "failure" or None (either)
        self.duplex_says = []      # patterns Duplex's stderr must match
        self.close_code = None     # the code the client closed with

    def send(self, *frames):
        self.wire.send(b"".join(frames))

    def next_frame(self, timeout=WAIT):
        f = self.wire.read_frame(timeout)
        if not f.masked:
            raise failed("the client sent an unmasked frame")
        if f.rsv:
            raise failed("the client set reserved bits")
        return f

    def expect_pong(self, payload):
        try:
            f = self.next_frame()
        except Closed:
            raise failed("expected a pong, the client ended the connection")
        except TimedOut:
            raise failed(f"expected a pong, nothing came within {WAIT} s")
        if f.opcode != PONG:
            raise failed(f"expected a pong, got opcode {f.opcode}")
        if f.payload != payload:
            raise failed("the pong does not carry the ping's payload")

    def _client_close(self, timeout):
        while True:
            try:
                f = self.next_frame(timeout)
            except Closed:
                return "eof", None
            except TimedOut:
                return "timeout", None
            if f.opcode == CLOSE:
                return "close", f
            if f.opcode not in (PONG,):
                raise failed(f"the client sent opcode {f.opcode} instead of closing")

    def expect_failure(self, codes, why, answer=None):
        """The client must fail the connection with one of codes; the
        server answers with the same code, or with answer."""
        self.exit = "failure"
        kind, f = self._client_close(WAIT)
        if kind == "close":
            self.close_code = f.close_code()
            # A server ends the TCP connection first (RFC 6455 7.1.1).
            self.send(server_frame(CLOSE, f.payload[:2] if answer is None else close_payload(answer)))
            self.wire.close()
            if self.close_code in codes:
                return
            raise non_strict(f"{why}: the client closed with {self.close_code}, "
                             f"expected {' or '.join(map(str, codes))}")
        if kind == "eof":
            raise non_strict(f"{why}: the client dropped the connection without a close frame")
        raise failed(f"{why}: the client kept the connection open for {WAIT} s")

    def close(self, payload, answers=(1000,), exit_ok=True):
        """The server closes; the client must answer (with 1000 or the same
        code) and not fail."""
        self.send(server_frame(CLOSE, payload))
        self.expect_close_answer(payload, answers, exit_ok)

    def expect_close_answer(self, payload, answers=(1000,), exit_ok=True):
        code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
        kind, f = self._client_close(WAIT)
        if exit_ok is not None:
            self.exit = "ok" if exit_ok else "failure"
        if kind == "close":
            self.close_code = f.close_code()
            self.wire.close()
            if self.close_code in answers or (code is not None and self.close_code == code) \
                    or (code is None and self.close_code is None):
                return
            raise failed(f"the client answered a close with {code} by {self.close_code}")
        if kind == "eof":
            raise non_strict("the client ended the connection without answering the close")
        raise failed(f"the client did not answer the close within {WAIT} s")


# 1 Framing ---------------------------------------------------------------

@case("c1.1", "Framing", "text and binary messages are printed; a close with 1000 ends it well")
def _(c):
    c.send(text("hello"), server_frame(BINARY, b"\x01\xff"), text(""))
    c.printed = ["hello", "01ff", ""]
    c.close(close_payload(1000))


@case("c1.2", "Framing", "a 70 000-byte text message (64-bit length) is printed")
def _(c):
    c.send(text("y" * 70000))
    c.printed = ["y" * 70000]
    c.close(close_payload(1000))


@case("c1.3", "Framing", "a masked frame from the server fails the connection (1002)")
def _(c):
    c.send(text("before"), text("masked", masked=True), text("injected"))
    c.printed = ["before"]
    c.duplex_says = [r"masked"]
    c.expect_failure([1002], "a masked server frame")


@case("c1.4", "Framing", "a 64-bit length with the top bit set fails the connection")
def _(c):
    c.send(text("before"), server_frame(BINARY, length=1 << 63)[:10] + text("injected"))
    c.printed = ["before"]
    c.duplex_says = [r"length"]
    c.expect_failure([1002, 1009], "a length with the top bit set")


# 2 Pings -----------------------------------------------------------------

@case("c2.1", "Pings", "a ping with 125 bytes is answered by the same pong")
def _(c):
    c.send(server_frame(PING, bytes(range(125))))
    c.expect_pong(bytes(range(125)))
    c.close(close_payload(1000))


@case("c2.2", "Pings", "a ping of 126 bytes fails the connection (1002)")
def _(c):
    c.send(text("before"), server_frame(PING, b"p" * 126), text("injected"))
    c.printed = ["before"]
    c.duplex_says = [r"125"]
    c.expect_failure([1002], "a ping of 126 bytes")


@case("c2.3", "Pings", "a fragmented ping fails the connection (1002)")
def _(c):
    c.send(server_frame(PING, b"half", fin=False), server_frame(CONT, b"rest"), text("injected"))
    c.duplex_says = [r"fragment"]
    c.expect_failure([1002], "a fragmented ping")


# 3 Reserved bits ---------------------------------------------------------

for n, rsv in enumerate([1, 2, 4], 1):
    def rsv_case(rsv=rsv, n=n):
        bit = {4: 1, 2: 2, 1: 3}[rsv]

        @case(f"c3.{n}", "Reserved bits", f"reserved bit {bit} on a text frame fails (1002)")
        def run(c):
            c.send(text("before"), text("reserved", rsv=rsv), text("injected"))
            c.printed = ["before"]
            c.duplex_says = [rf"reserved bit {bit}"]
            c.expect_failure([1002], f"reserved bit {bit}")
    rsv_case()


# 4 Opcodes ---------------------------------------------------------------

for n, opcode in enumerate([3, 7, 11, 15], 1):
    def opcode_case(opcode=opcode, n=n):
        @case(f"c4.{n}", "Opcodes", f"reserved opcode {opcode} fails the connection (1002)")
        def run(c):
            c.send(text("before"), server_frame(opcode, b"reserved"), text("injected"))
            c.printed = ["before"]
            c.duplex_says = [rf"opcode {opcode}"]
            c.expect_failure([1002], f"opcode {opcode}")
    opcode_case()


# 5 Fragmentation ---------------------------------------------------------

@case("c5.1", "Fragmentation", "a text message in 3 fragments with a ping between is printed whole")
def _(c):
    c.send(text("one ", fin=False), server_frame(PING, b"between"),
           server_frame(CONT, "two ", fin=False), server_frame(CONT, "three"))
    c.expect_pong(b"between")
    c.printed = ["one two three"]
    c.close(close_payload(1000))


@case("c5.2", "Fragmentation", "a continuation outside a message fails (1002)")
def _(c):
    c.send(text("before"), server_frame(CONT, b"orphan"), text("injected"))
    c.printed = ["before"]
    c.duplex_says = [r"continuation"]
    c.expect_failure([1002], "a continuation outside a message")


@case("c5.3", "Fragmentation", "a new message inside a fragmented one fails (1002)")
def _(c):
    c.send(text("first", fin=False), text("second"), text("injected"))
    c.duplex_says = [r"fragment"]
    c.expect_failure([1002], "a text frame inside a fragmented message")


# 6 UTF-8 -----------------------------------------------------------------

@case("c6.1", "UTF-8", "text with invalid UTF-8 fails (1007) and is not printed")
def _(c):
    c.send(text("before"), text(b"0123456789abcdef\xed\xa0\x80"), text("injected"))
    c.printed = ["before"]
    c.duplex_says = [r"invalid UTF-8 at byte 17 of a text message"]
    c.expect_failure([1007], "invalid UTF-8")


@case("c6.2", "UTF-8", "invalid UTF-8 in the second of three fragments fails (1007)")
def _(c):
    c.send(text("before"), text("valid ", fin=False), server_frame(CONT, b"\xc0\xaf", fin=False),
           server_frame(CONT, b"end"), text("injected"))
    c.printed = ["before"]
    c.duplex_says = [r"invalid UTF-8 at byte 7 of a text message"]
    c.expect_failure([1007], "invalid UTF-8 across fragments")


@case("c6.3", "UTF-8", "fail fast: invalid UTF-8 in a first fragment fails before the rest (1007)")
def _(c):
    c.send(text(b"abc\xff", fin=False))
    c.duplex_says = [r"invalid UTF-8 at byte 4 of a text message"]
    try:
        c.expect_failure([1007], "invalid UTF-8 in an unfinished message")
    except Verdict as verdict:
        if verdict.verdict != "FAILED":
            raise
        # Autobahn grades a failure only at the end of the message NON-STRICT.
        c.send(server_frame(CONT, b"end"))
        c.expect_failure([1007], "invalid UTF-8")
        raise non_strict(f"the client did not act on invalid UTF-8 until the message ended "
                         f"(waited {WAIT} s)")


@case("c6.4", "UTF-8", "valid UTF-8 split inside code points over fragments is printed")
def _(c):
    data = "κόσμε ✓ 🎉".encode()
    c.send(*[server_frame(TEXT if i == 0 else CONT, data[i:i + 1], fin=i == len(data) - 1)
             for i in range(len(data))])
    c.printed = ["κόσμε ✓ 🎉"]
    c.close(close_payload(1000))


# 7 Close handling --------------------------------------------------------

@case("c7.1", "Close handling", "nothing sent after the server's close is printed")
def _(c):
    c.send(text("before"), server_frame(CLOSE, close_payload(1000)), text("injected"))
    c.printed = ["before"]
    c.expect_close_answer(close_payload(1000))


@case("c7.2", "Close handling", "a close without payload is answered")
def _(c):
    # Whether that is a clean end is the client's policy: no exit check.
    c.close(b"", answers=(1000, None), exit_ok=None)


@case("c7.3", "Close handling", "close code 1005 on the wire fails (1002) and the exit says so")
def _(c):
    c.send(server_frame(CLOSE, close_payload(1005)), text("injected"))
    c.duplex_says = [r"close code 1005 is not allowed on the wire"]
    c.expect_failure([1002], "a close with 1005")


@case("c7.4", "Close handling", "a close with a 1-byte payload fails (1002)")
def _(c):
    c.send(server_frame(CLOSE, b"\x03"), text("injected"))
    c.duplex_says = [r"1 byte"]
    c.expect_failure([1002], "a 1-byte close payload")


@case("c7.5", "Close handling", "a close reason that is not UTF-8 fails (1002 or 1007)")
def _(c):
    c.send(server_frame(CLOSE, close_payload(1000, b"bad \xff reason")), text("injected"))
    c.duplex_says = [r"UTF-8"]
    c.expect_failure([1002, 1007], "a close reason that is not UTF-8")


@case("c7.6", "Close handling", "a close of 126 bytes fails (1002)")
def _(c):
    c.send(server_frame(CLOSE, close_payload(1000, b"r" * 124)), text("injected"))
    c.duplex_says = [r"125"]
    c.expect_failure([1002], "a close frame of 126 bytes")


for code in [999, 1004, 1006, 1015, 1016, 2999, 5000]:
    def invalid_close(code=code):
        @case(f"c7.7.{code}", "Close handling", f"close code {code} fails (1002)")
        def run(c):
            c.send(server_frame(CLOSE, close_payload(code)), text("injected"))
            c.duplex_says = [rf"close code {code} is not "]
            c.expect_failure([1002], f"a close with {code}")
    invalid_close()

for code in [1001, 1011, 1012, 1013, 1014, 3000, 4999]:
    def valid_close(code=code):
        @case(f"c7.8.{code}", "Close handling", f"close code {code} is answered and shown")
        def run(c):
            c.duplex_says = [rf"Closed by the server: {code}\b"]
            c.send(server_frame(CLOSE, close_payload(code, "bye")), text("injected"))
            c.expect_close_answer(close_payload(code), exit_ok=code == 1001 or None)
    valid_close()


@case("c7.1.2", "Close handling", "nothing sent after the server's close is printed, in another read")
def _(c):
    c.send(text("before"), server_frame(CLOSE, close_payload(1000)))
    time.sleep(0.1)
    c.send(text("injected"), server_frame(PING, b"after close"))
    c.printed = ["before"]
    c.expect_close_answer(close_payload(1000))


@case("c7.10", "Close handling",
      "a close with reserved bit 1 fails (1002); a 1000 answer does not make the exit clean")
def _(c):
    c.send(server_frame(CLOSE, close_payload(1000), rsv=4), text("injected"))
    c.duplex_says = [r"reserved bit 1"]
    c.expect_failure([1002], "a close frame with reserved bit 1", answer=1000)


@case("c7.11", "Close handling",
      "invalid UTF-8 fails (1007); a 1000 answer does not make the exit clean")
def _(c):
    c.send(text(b"bad \xff"), text("injected"))
    c.duplex_says = [r"invalid UTF-8 at byte 5 of a text message"]
    c.expect_failure([1007], "invalid UTF-8", answer=1000)


@case("c7.12", "Close handling", "a second close frame does not change the code that is shown")
def _(c):
    c.send(server_frame(CLOSE, close_payload(1013, "later")), server_frame(CLOSE, close_payload(1000)))
    c.duplex_says = [r"Closed by the server: 1013\b"]
    c.expect_close_answer(close_payload(1013), exit_ok=None)


@case("c7.9", "Close handling", "a message and a close in one write: the message is printed")
def _(c):
    c.send(text("last words"), server_frame(CLOSE, close_payload(1000)))
    c.printed = ["last words"]
    c.expect_close_answer(close_payload(1000))
