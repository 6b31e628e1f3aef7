#!/usr/bin/python3
# test_browser.py: Chromium's WebSocket against duplex serve
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A tiny HTTP server on loopback serves browser/relay-check.html; headless
# Chromium opens it, and its script connects to `duplex serve`, sends text,
# a small and a large ArrayBuffer, closes with 4000 "bye", and POSTs what
# came back to /report. Meanwhile `duplex consume --json` on the same relay
# must print the browser's three messages. The browser runs once; each TAP
# point checks one part of what it and the other peers saw.
#
# Prints TAP. Needs Debian's chromium. Run by meson (suite interop), or by
# hand:
#   DUPLEX=build/src/duplex /usr/bin/python3 tests/interop/test_browser.py --chromium /usr/bin/chromium

import hashlib
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse

import harness
from harness import ALL_BYTES, HERE, TEXT, Failure, case, decode_json_line

PAGE_DIR = HERE / "browser"
LARGE_SIZE = 300 * 1024
# Chromium starts slowly on a busy machine; everything else is quick.
BROWSER_TIMEOUT = 90


def browser_large_bytes(size=LARGE_SIZE):
    """The same bytes as largeBytes() in relay-check.js."""
    return bytes((i * 31 + (i >> 8) * 7) & 0xFF for i in range(size))


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class PageServer(http.server.ThreadingHTTPServer):
    """Serves the page and takes the report it POSTs back."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), PageHandler)
        self.report = None
        self.reported = threading.Event()
        self.log = []


class PageHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(PAGE_DIR), **kwargs)

    def do_POST(self):
        if self.path != "/report":
            self.send_error(404)
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.report = json.loads(body)
        self.send_response(204)
        self.end_headers()
        self.server.reported.set()

    def log_message(self, format, *args):
        self.server.log.append(format % args)


def chromium_argv(chromium, profile, url):
    return [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic", "--disable-extensions", "--no-default-browser-check",
        f"--user-data-dir={profile}", url,
    ]


class Scenario:
    """Runs the browser once and keeps everything the checks look at."""

    def __init__(self, *relay_args):
        self.relay_args = relay_args
        self.done = False
        self.failure = None
        self.page_log = []

    def run(self, t):
        if self.done:
            # What the peers printed stays readable after they stopped.
            t.notes.extend(line for proc in self.procs for line in proc.describe())
            if self.failure:
                raise Failure(f"the browser run failed: {self.failure}")
            return self
        self.done = True
        self.procs = t.procs
        try:
            self._run(t)
        except Failure as failure:
            self.failure = str(failure).splitlines()[0]
            t.notes.extend(f"page server: {line}" for line in self.page_log)
            raise
        return self

    def _run(self, t):
        self.relay, url = t.relay(*self.relay_args)
        self.consumer = t.duplex("duplex consume", "consume", url, "--json", "--count", "3")
        t.wait_clients(self.relay, 1)

        pages = PageServer()
        threading.Thread(target=pages.serve_forever, daemon=True).start()
        t.on_close(pages.shutdown)
        self.page_log = pages.log
        query = urllib.parse.urlencode({"relay": url, "text": TEXT, "large": LARGE_SIZE})
        page = f"http://127.0.0.1:{pages.server_address[1]}/relay-check.html?{query}"

        profile = t.tmp / "profile"
        env = dict(os.environ, HOME=str(t.tmp))
        self.browser = t.start("chromium", chromium_argv(t.env.chromium, profile, page), env)

        deadline = time.monotonic() + BROWSER_TIMEOUT
        while not pages.reported.wait(0.2):
            if self.browser.returncode is not None:
                raise Failure(f"chromium exited with status {self.browser.returncode} "
                              "before the page reported")
            if time.monotonic() > deadline:
                raise Failure(f"the page did not report within {BROWSER_TIMEOUT} s")
        self.report = pages.report
        t.notes.append(f"page report: {harness.shorten(json.dumps(self.report), 600)}")
        t.check("error" not in self.report, "the page runs every step", self.report.get("error"))

        t.finish(self.consumer)
        self.relay.wait_stderr(r"disconnected \(4000, ")


scenario = Scenario()
compressed = Scenario("--deflate")


@case("headless chromium opens a WebSocket to duplex serve and gets the first offered "
      "subprotocol")
def _(t):
    run = scenario.run(t)
    t.equal(run.report["protocol"], "duplex.browser.v1", "socket.protocol in the page")
    t.equal(run.report["extensions"], "", "socket.extensions: no compression without --deflate")
    run.relay.wait_stderr(r"connected \(Mozilla/5\.0 .*Chrome/[0-9.]+.*\); 2 connected$")


@case("chromium's UTF-8 text comes back from duplex serve intact")
def _(t):
    run = scenario.run(t)
    t.equal(run.report["text"], {"type": "text", "text": TEXT}, "the text message the page got back")


@case("chromium's ArrayBuffer with every byte value (0x00, 0xff) comes back byte-exact")
def _(t):
    run = scenario.run(t)
    t.equal(run.report["small"],
            {"type": "arraybuffer", "length": len(ALL_BYTES), "sha256": sha256(ALL_BYTES)},
            "the ArrayBuffer the page got back")


@case(f"chromium's {LARGE_SIZE // 1024} KiB ArrayBuffer comes back byte-exact")
def _(t):
    run = scenario.run(t)
    large = browser_large_bytes()
    t.equal(run.report["large"],
            {"type": "arraybuffer", "length": len(large), "sha256": sha256(large)},
            "the large ArrayBuffer the page got back")


@case("duplex consume on the relay prints chromium's text and both binary messages "
      "byte-exact")
def _(t):
    run = scenario.run(t)
    t.equal(len(run.consumer.stdout), 3, "three JSON lines from duplex consume --json")
    t.equal(decode_json_line(run.consumer.stdout[0]), ("text", TEXT), "the text message")
    t.equal(decode_json_line(run.consumer.stdout[1]), ("binary", ALL_BYTES),
            "the small binary message")
    t.equal(decode_json_line(run.consumer.stdout[2]), ("binary", browser_large_bytes()),
            "the large binary message")


@case("chromium closing with 4000 \"bye\" gets a clean 4000 \"bye\" back; duplex serve "
      "logs 4000 “bye”")
def _(t):
    run = scenario.run(t)
    t.equal(run.report["closing"], {"close": {"code": 4000, "reason": "bye", "wasClean": True}},
            "the close event in the page")
    run.relay.wait_stderr(r"disconnected \(4000, application code, “bye”\)")


@case("with duplex serve --deflate, chromium negotiates permessage-deflate and every message "
      "crosses byte-exact")
def _(t):
    run = compressed.run(t)
    large = browser_large_bytes()
    t.check(run.report["extensions"].startswith("permessage-deflate"),
            "socket.extensions in the page names permessage-deflate", run.report["extensions"])
    t.equal(run.report["text"], {"type": "text", "text": TEXT}, "the text message")
    t.equal(run.report["small"],
            {"type": "arraybuffer", "length": len(ALL_BYTES), "sha256": sha256(ALL_BYTES)},
            "the small ArrayBuffer")
    t.equal(run.report["large"],
            {"type": "arraybuffer", "length": len(large), "sha256": sha256(large)},
            "the large ArrayBuffer")
    t.equal([decode_json_line(line) for line in run.consumer.stdout],
            [("text", TEXT), ("binary", ALL_BYTES), ("binary", large)],
            "what duplex consume printed")
    t.equal(run.report["closing"], {"close": {"code": 4000, "reason": "bye", "wasClean": True}},
            "the close event in the page")


if __name__ == "__main__":
    sys.exit(harness.run_cases(require=["chromium"]))
