# harness.py: TAP output, peer processes and bounded waits for the interop tests
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every peer runs as a real process in its own process group, with its
# stdout and stderr collected line by line. Nothing waits on a fixed sleep:
# a test waits for a line (the URL a server prints first, a "N connected"
# log line, a close report) and gives up after a timeout. Whatever a test
# started is stopped when it ends, passes or fails, and when the driver is
# interrupted (meson sends SIGTERM on a timeout).

import argparse
import base64
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
NODE_DIR = HERE / "node"

# Seconds to wait for anything that should take well under a second.
TIMEOUT = 20

# Binary payloads: every byte value, 0x00 and 0xff at both ends, and a
# large one that is several hundred KiB (under the relay's default 1 MiB
# limit and the peers' own defaults).
ALL_BYTES = b"\x00\xff" + bytes(range(256)) + bytes(range(255, -1, -1)) + b"\xff\x00"
LARGE_BYTES = b"\x00\xff" + random.Random(2).randbytes(400 * 1024) + b"\xff\x00"
TEXT = "Привет, мир! ✓ hello — 🎉 \"quoted\" <tag> & tab\tend"


class Failure(Exception):
    """A check that did not hold; the message says what was expected."""


class Interrupted(BaseException):
    """SIGTERM or SIGINT reached the driver."""


def shorten(value, limit=160):
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} characters)"


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


class Proc:
    """One peer process with its output collected as lines."""

    def __init__(self, name, argv, env=None):
        self.name = name
        self.argv = [str(arg) for arg in argv]
        self.stdout = []
        self.stderr = []
        self._cond = threading.Condition()
        self._open_streams = 2
        self.popen = subprocess.Popen(
            self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env, start_new_session=True)
        for stream, lines in ((self.popen.stdout, self.stdout), (self.popen.stderr, self.stderr)):
            threading.Thread(target=self._read, args=(stream, lines), daemon=True).start()

    def _read(self, stream, lines):
        for raw in iter(stream.readline, b""):
            with self._cond:
                lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._open_streams -= 1
            self._cond.notify_all()

    @property
    def returncode(self):
        return self.popen.poll()

    def wait_for(self, predicate, what, timeout=TIMEOUT):
        """Waits until predicate() is true; fails if the output ends or time runs out."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate()
                if result:
                    return result
                if self._open_streams == 0:
                    raise Failure(f"{self.name} closed its output (status {self.popen.poll()}) "
                                  f"before {what}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Failure(f"{self.name}: no {what} after {timeout} s")
                self._cond.wait(min(left, 0.5))

    def wait_stdout_lines(self, count, timeout=TIMEOUT):
        self.wait_for(lambda: len(self.stdout) >= count, f"{count} lines on stdout", timeout)
        return list(self.stdout[:count])

    def first_line(self, timeout=TIMEOUT):
        return self.wait_stdout_lines(1, timeout)[0]

    def wait_stderr(self, pattern, timeout=TIMEOUT):
        regex = re.compile(pattern)

        def search():
            for line in self.stderr:
                match = regex.search(line)
                if match:
                    return match
            return None
        return self.wait_for(search, f"stderr line matching {pattern!r}", timeout)

    def wait_exit(self, timeout=TIMEOUT):
        try:
            status = self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            raise Failure(f"{self.name} still running after {timeout} s") from None
        # Let the readers take the last lines.
        with self._cond:
            self._cond.wait_for(lambda: self._open_streams == 0, 5)
        return status

    def send_signal(self, signum):
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signum)

    def stop(self):
        """Stops the process and anything it started, politely first."""
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(3)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                pass
        # Children left in the group (a browser's helpers) go too.
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.popen.wait(5)
        except subprocess.TimeoutExpired:
            pass

    def describe(self, lines=15):
        out = [f"{self.name}: {' '.join(shorten(arg, 80) for arg in self.argv)}",
               f"  status: {self.popen.poll()}"]
        for label, stream in (("stdout", self.stdout), ("stderr", self.stderr)):
            tail = list(stream)[-lines:]
            out.append(f"  {label} ({len(stream)} lines){':' if tail else ''}")
            out.extend(f"    {shorten(line)}" for line in tail)
        return out


_all_procs = []


def stop_all():
    for proc in reversed(_all_procs):
        proc.stop()


class Env:
    """Paths of the programs under test and of the peers' runtimes."""

    def __init__(self, args):
        self.duplex = args.duplex or os.environ.get("DUPLEX")
        self.node = args.node
        self.chromium = args.chromium
        self.python = sys.executable


class Case:
    """What one test case started and checks, cleaned up when it ends."""

    def __init__(self, env):
        self.env = env
        self.procs = []
        self.notes = []
        self._cleanups = []
        self._tmp = None

    @property
    def tmp(self):
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="duplex-interop-"))
        return self._tmp

    def on_close(self, cleanup):
        """Runs cleanup() when the case ends, before its processes stop."""
        self._cleanups.append(cleanup)

    def close(self):
        while self._cleanups:
            try:
                self._cleanups.pop()()
            except Exception:
                traceback.print_exc(file=sys.stderr)
        for proc in reversed(self.procs):
            proc.stop()
            if proc in _all_procs:
                _all_procs.remove(proc)
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    # Starting processes -------------------------------------------------

    def start(self, name, argv, env=None):
        proc = Proc(name, argv, env)
        self.procs.append(proc)
        _all_procs.append(proc)
        return proc

    def duplex(self, name, *args):
        return self.start(name, [self.env.duplex, *args])

    def python(self, name, script, *args):
        return self.start(name, [self.env.python, HERE / script, *args])

    def node(self, name, script, *args):
        return self.start(name, [self.env.node, NODE_DIR / script, *args])

    def server(self, proc):
        """Reads the URL a server prints as its first stdout line."""
        url = proc.first_line()
        self.check(re.fullmatch(r"ws://127\.0\.0\.1:\d+/", url),
                   f"{proc.name} prints a loopback ws:// URL first", url)
        return proc, url

    def relay(self, *args):
        return self.server(self.duplex("duplex serve", "serve", "--port", "0", *args))

    def write_file(self, name, data):
        path = self.tmp / name
        path.write_bytes(data)
        return path

    # Waiting ------------------------------------------------------------

    def wait_clients(self, server, count, timeout=TIMEOUT):
        """Waits until a relay's last "...; N connected" log line says count."""
        regex = re.compile(r"; (\d+) connected$")

        def latest():
            counts = [int(m.group(1)) for m in map(regex.search, server.stderr) if m]
            return counts and counts[-1] == count
        server.wait_for(latest, f"log line saying {count} connected", timeout)

    def finish(self, proc, expected_status=0, timeout=TIMEOUT):
        status = proc.wait_exit(timeout)
        self.check(status == expected_status,
                   f"{proc.name} exits with status {expected_status}", f"status {status}")
        return proc

    # Checking -----------------------------------------------------------

    def check(self, condition, what, detail=None):
        if not condition:
            message = f"expected: {what}"
            if detail is not None:
                message += f"\ngot: {shorten(detail, 400)}"
            raise Failure(message)

    def equal(self, actual, expected, what):
        if actual == expected:
            return
        detail = f"{shorten(actual)}\nwanted: {shorten(expected)}"
        if isinstance(actual, (str, bytes, list)) and isinstance(expected, type(actual)):
            index = first_difference(actual, expected)
            detail += f"\nlengths {len(actual)} and {len(expected)}, first difference at {index}"
        raise Failure(f"expected: {what}\ngot: {detail}")

    def diagnostics(self):
        lines = list(self.notes)
        for proc in self.procs:
            lines.extend(proc.describe())
        return lines


def decode_json_line(line):
    """One `duplex consume --json` line as (kind, str or bytes)."""
    entry = json.loads(line)
    if "base64" in entry:
        return entry["kind"], base64.b64decode(entry["base64"])
    return entry["kind"], entry.get("text")


# TAP ----------------------------------------------------------------------

_cases = []


def case(description, todo=None):
    """Registers a test case: a function taking a Case.

    todo names a known bug (see the report it points to): the case still
    runs, and TAP marks it "# TODO" so its failure is expected; meson
    fails the test when it passes, a reminder to drop the mark."""
    def register(function):
        _cases.append((description, todo, function))
        return function
    return register


def diag(lines):
    for line in lines:
        for part in str(line).splitlines() or [""]:
            print(f"# {part}")


def _on_signal(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def parse_args():
    parser = argparse.ArgumentParser(description="Duplex interoperability tests (TAP)")
    parser.add_argument("--duplex", help="the duplex binary (default: $DUPLEX)")
    parser.add_argument("--node", help="the node binary")
    parser.add_argument("--chromium", help="the chromium binary")
    return parser.parse_args()


def missing_prerequisites(env, required):
    problems = []
    if not env.duplex or not os.access(env.duplex, os.X_OK):
        problems.append(f"the duplex binary is missing (DUPLEX={env.duplex!r}): build it first")
    if "websockets" in required:
        try:
            import websockets  # noqa: F401
        except ImportError:
            problems.append(f"{sys.executable} cannot import websockets: "
                            "install the Debian package python3-websockets")
    if "node" in required:
        if not env.node or not os.access(env.node, os.X_OK):
            problems.append("node was not found when the build was configured: "
                            "install nodejs and reconfigure")
        elif not (NODE_DIR / "node_modules" / "ws" / "package.json").exists():
            problems.append(f"{NODE_DIR / 'node_modules'} is missing: "
                            "run `npm ci --prefix tests/interop/node`")
    if "chromium" in required:
        if not env.chromium or not os.access(env.chromium, os.X_OK):
            problems.append("chromium was not found when the build was configured: "
                            "install the Debian package chromium and reconfigure")
    return problems


def run_cases(require=()):
    """Runs every registered case and prints TAP; returns the exit status.

    require names the runtimes the cases need ("websockets", "node",
    "chromium"): when one is missing the run bails out, which fails it."""
    args = parse_args()
    env = Env(args)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    sys.stdout.reconfigure(encoding="utf-8", line_buffering=True)

    problems = missing_prerequisites(env, set(require))
    if problems:
        print(f"Bail out! {problems[0]}")
        diag(problems[1:])
        return 1

    print(f"1..{len(_cases)}")
    failed = 0
    try:
        for number, (description, todo, function) in enumerate(_cases, 1):
            if todo:
                description = f"{description} # TODO {todo}"
            current = Case(env)
            started = time.monotonic()
            try:
                function(current)
            except Failure as failure:
                failed += 0 if todo else 1
                print(f"not ok {number} - {description}")
                diag(str(failure).splitlines())
                diag(current.diagnostics())
            except Exception:
                failed += 0 if todo else 1
                print(f"not ok {number} - {description}")
                diag(traceback.format_exc().splitlines())
                diag(current.diagnostics())
            except Interrupted:
                print(f"not ok {number} - {description}")
                diag(current.diagnostics())
                raise
            else:
                print(f"ok {number} - {description}")
                diag([f"{time.monotonic() - started:.2f} s"])
            finally:
                current.close()
    except Interrupted as interruption:
        print(f"Bail out! interrupted by {interruption}")
        stop_all()
        return 1
    finally:
        stop_all()
    return 1 if failed else 0
