# wire.py: RFC 6455 frames and RFC 7692 compression over raw sockets
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The conformance suite speaks WebSocket itself, byte by byte, so that it can
# send what no library would: reserved bits, masked server frames, a 64-bit
# length with its top bit set, a close code of 1005. Standard library only.

import base64
import hashlib
import os
import select
import socket
import time
import zlib

CONT, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
DEFLATE_TAIL = b"\x00\x00\xff\xff"

# Seconds to wait for something a correct peer does at once. Only a peer
# that does not do it at all waits this long.
WAIT = 5


class Verdict(Exception):
    """Ends a case with a verdict other than OK, and says why."""

    def __init__(self, verdict, why):
        super().__init__(why)
        self.verdict = verdict
        self.why = why


def failed(why):
    return Verdict("FAILED", why)


def non_strict(why):
    return Verdict("NON-STRICT", why)


def informational(why):
    return Verdict("INFORMATIONAL", why)


def accept_key(key):
    return base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()


def mask_bytes(data, key):
    if not data:
        return b""
    repeated = (key * (len(data) // 4 + 1))[:len(data)]
    return (int.from_bytes(data, "big") ^ int.from_bytes(repeated, "big")).to_bytes(len(data), "big")


def frame(opcode, payload=b"", fin=True, rsv=0, masked=True, length=None):
    """One frame; length overrides the length field (for impossible frames)."""
    if isinstance(payload, str):
        payload = payload.encode()
    n = len(payload) if length is None else length
    first = (0x80 if fin else 0) | (rsv << 4) | opcode
    bit = 0x80 if masked else 0
    if n < 126:
        header = bytes([first, bit | n])
    elif n < 65536:
        header = bytes([first, bit | 126]) + n.to_bytes(2, "big")
    else:
        header = bytes([first, bit | 127]) + n.to_bytes(8, "big")
    if masked:
        key = os.urandom(4)
        return header + key + mask_bytes(payload, key)
    return header + payload


def close_payload(code=None, reason=b""):
    if code is None:
        return b""
    if isinstance(reason, str):
        reason = reason.encode()
    return code.to_bytes(2, "big") + reason


class Frame:
    def __init__(self, fin, rsv, opcode, masked, payload):
        self.fin, self.rsv, self.opcode, self.masked, self.payload = fin, rsv, opcode, masked, payload

    @property
    def control(self):
        return self.opcode >= 8

    def close_code(self):
        if len(self.payload) < 2:
            return None
        return int.from_bytes(self.payload[:2], "big")


class Closed(Exception):
    """The peer ended the TCP connection."""


class TimedOut(Exception):
    """Nothing arrived in time."""


class Wire:
    """A socket with a receive buffer that reads whole frames."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = bytearray()
        self.eof = False

    def send(self, data):
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            # The peer may have failed the connection already; what it
            # sent before that is still read.
            return False

    def _fill(self, deadline):
        if self.eof:
            raise Closed()
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimedOut()
        ready, _, _ = select.select([self.sock], [], [], left)
        if not ready:
            raise TimedOut()
        try:
            data = self.sock.recv(256 * 1024)
        except (ConnectionResetError, OSError):
            data = b""
        if not data:
            self.eof = True
            raise Closed()
        self.buffer += data

    def read_exact(self, n, deadline):
        while len(self.buffer) < n:
            self._fill(deadline)
        data = bytes(self.buffer[:n])
        del self.buffer[:n]
        return data

    def read_until(self, marker, deadline, limit=65536):
        while marker not in self.buffer:
            if len(self.buffer) > limit:
                raise Closed()
            self._fill(deadline)
        end = self.buffer.index(marker) + len(marker)
        data = bytes(self.buffer[:end])
        del self.buffer[:end]
        return data

    def read_frame(self, timeout=WAIT, max_payload=64 * 1024 * 1024):
        deadline = time.monotonic() + timeout
        b0, b1 = self.read_exact(2, deadline)
        n = b1 & 0x7F
        if n == 126:
            n = int.from_bytes(self.read_exact(2, deadline), "big")
        elif n == 127:
            n = int.from_bytes(self.read_exact(8, deadline), "big")
        if n > max_payload:
            raise Closed()
        key = self.read_exact(4, deadline) if b1 & 0x80 else None
        payload = self.read_exact(n, deadline)
        if key:
            payload = mask_bytes(payload, key)
        return Frame(bool(b0 & 0x80), (b0 >> 4) & 7, b0 & 0x0F, key is not None, payload)

    def wait_eof(self, timeout):
        """True if the peer ends the connection within timeout (data is dropped)."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                self._fill(deadline)
                self.buffer.clear()
        except Closed:
            return True
        except TimedOut:
            return False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def parse_extensions(values):
    """Sec-WebSocket-Extensions values to [(name, [(param, value or None)])]."""
    result = []
    for value in values:
        for item in value.split(","):
            parts = [p.strip() for p in item.split(";")]
            if not parts[0]:
                continue
            params = []
            for p in parts[1:]:
                if "=" in p:
                    k, v = p.split("=", 1)
                    params.append((k.strip().lower(), v.strip().strip('"')))
                elif p:
                    params.append((p.lower(), None))
            result.append((parts[0].lower(), params))
    return result


class Deflate:
    """One side's permessage-deflate state, as negotiated."""

    def __init__(self, send_bits=15, send_reset=False, receive_bits=15):
        self.send_bits = max(9, send_bits)
        self.send_reset = send_reset
        self.receive_bits = max(9, receive_bits)
        self.compressor = None
        self.decompressor = zlib.decompressobj(-self.receive_bits)

    def compress(self, data):
        if self.compressor is None or self.send_reset:
            self.compressor = zlib.compressobj(6, zlib.DEFLATED, -self.send_bits)
        out = self.compressor.compress(data) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
        return out[:-4] if out.endswith(DEFLATE_TAIL) else out

    def decompress(self, data):
        return self.decompressor.decompress(data + DEFLATE_TAIL)


def http_head(wire, deadline):
    head = wire.read_until(b"\r\n\r\n", deadline).decode("latin-1")
    lines = head.split("\r\n")
    headers = []
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers.append((name.strip().lower(), value.strip()))
    return lines[0], headers


def header_values(headers, name):
    return [v for k, v in headers if k == name]


def connect(host, port, path="/", extensions=None, timeout=WAIT):
    """Opens a WebSocket connection; returns (wire, status line, headers)."""
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.settimeout(None)
    wire = Wire(sock)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n")
    if extensions:
        request += f"Sec-WebSocket-Extensions: {extensions}\r\n"
    wire.send((request + "\r\n").encode())
    status, headers = http_head(wire, time.monotonic() + timeout)
    if " 101 " in status + " " and header_values(headers, "sec-websocket-accept") != [accept_key(key)]:
        raise failed("the 101 response carries a wrong Sec-WebSocket-Accept")
    return wire, status, headers
