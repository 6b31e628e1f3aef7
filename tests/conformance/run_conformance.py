#!/usr/bin/python3
# run_conformance.py: Duplex's WebSocket conformance suite (RFC 6455, RFC 7692)
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs the cases of server_cases.py against `duplex serve` (plain and
# --deflate) and the cases of client_cases.py against `duplex consume`,
# and, as a check of the suite itself, both sets against Node's ws and
# Python's websockets. Verdicts are Autobahn|Testsuite's: OK, NON-STRICT,
# FAILED, INFORMATIONAL. Prints TAP, one line per case: a case is "not ok"
# when a Duplex column is FAILED, or when both reference peers are FAILED
# (then the case itself is wrong). Writes the table in Markdown with
# --write FILE. Duplex aims at OK everywhere: a NON-STRICT Duplex column
# fails the case as well.
#
# Usage: run_conformance.py --duplex PATH [--node PATH] [--write FILE] [--only ID...]

import argparse
import datetime
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "interop"))

import client_cases  # noqa: E402
import server_cases  # noqa: E402
from harness import Failure, Proc  # noqa: E402
from wire import WAIT, Verdict, Wire, accept_key, header_values, http_head  # noqa: E402

NODE_DIR = HERE.parent / "interop" / "node"
VERDICTS = ["OK", "NON-STRICT", "FAILED", "INFORMATIONAL"]


class Interrupted(BaseException):
    pass


def on_signal(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


# Servers -------------------------------------------------------------------

class ServerTarget:
    def __init__(self, key, label, argv, deflate, duplex):
        self.key, self.label, self.argv, self.deflate, self.duplex = key, label, argv, deflate, duplex
        self.proc = None
        self.results = {}
        self.times = {}

    def start(self):
        self.proc = Proc(self.label, self.argv)
        url = self.proc.first_line(timeout=30)
        match = re.fullmatch(r"ws://(127\.0\.0\.1|localhost):(\d+)/?", url.strip())
        if not match:
            raise Failure(f"{self.label} printed {url!r} instead of its URL")
        self.port = int(match.group(2))

    def run_case(self, case):
        if case["deflate"] and not self.deflate:
            return None
        session = None
        try:
            try:
                session = server_cases.Session("127.0.0.1", self.port, case["deflate"])
            except Verdict as verdict:
                if case["refusal_ok"] and "handshake was refused" in verdict.why:
                    return ("OK", "refused the handshake")
                raise
            case["run"](session)
            return ("OK", "")
        except Verdict as verdict:
            return (verdict.verdict, verdict.why)
        except Exception as error:
            return ("FAILED", f"the suite stopped: {type(error).__name__}: {error}")
        finally:
            if session:
                session.close()

    def run(self, cases):
        try:
            self.start()
        except Exception as error:
            for case in cases:
                self.results[case["id"]] = ("FAILED", f"{self.label} did not start: {error}")
            return
        for case in cases:
            began = time.monotonic()
            self.results[case["id"]] = self.run_case(case)
            self.times[case["id"]] = time.monotonic() - began
            if self.proc.returncode is not None:
                self.results[case["id"]] = ("FAILED", f"{self.label} exited "
                                            f"(status {self.proc.returncode}) during this case")
                try:
                    self.start()
                except Exception:
                    break

    def stop(self):
        if self.proc:
            self.proc.stop()


# Clients -------------------------------------------------------------------

class ClientTarget:
    def __init__(self, key, label, command, duplex):
        self.key, self.label, self.command, self.duplex = key, label, command, duplex
        self.results = {}
        self.times = {}

    def run_case(self, case):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        proc = Proc(self.label, self.command(f"ws://127.0.0.1:{port}/{case['id']}"))
        wire = None
        verdict, why = "OK", ""
        try:
            listener.settimeout(30)
            try:
                sock, _ = listener.accept()
            except socket.timeout:
                return ("FAILED", "the client did not connect within 30 s")
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(None)
            wire = Wire(sock)
            _, headers = http_head(wire, time.monotonic() + WAIT)
            key = header_values(headers, "sec-websocket-key")[0]
            wire.send(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                       f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept_key(key)}\r\n\r\n").encode())
            peer = client_cases.Peer(wire)
            try:
                case["run"](peer)
            except Verdict as v:
                verdict, why = v.verdict, v.why
            wire.close()
            try:
                status = proc.wait_exit(2 * WAIT)
            except Failure:
                return ("FAILED", f"{why + '; ' if why else ''}the client was still running "
                        f"{2 * WAIT} s after the connection ended")
            if verdict == "FAILED":
                return (verdict, why)
            problems = []
            if proc.stdout != peer.printed:
                extra = [line for line in proc.stdout if line not in peer.printed]
                if extra:
                    problems.append(f"printed {shorten(extra[0])!r}, which it must not")
                else:
                    problems.append(f"printed {shorten(proc.stdout)}, expected {shorten(peer.printed)}")
            if peer.exit == "ok" and status != 0:
                problems.append(f"exited with status {status} after a clean close")
            if peer.exit == "failure" and status == 0:
                problems.append("exited with status 0 although the connection failed")
            if self.duplex:
                report = "\n".join(proc.stderr)
                for pattern in peer.duplex_says:
                    if not re.search(pattern, report):
                        problems.append(f"its report does not say /{pattern}/: "
                                        f"{shorten(' | '.join(proc.stderr[-4:]), 300)}")
            if problems:
                return ("FAILED", "; ".join(([why] if why else []) + problems))
            return (verdict, why)
        except Verdict as v:
            return (v.verdict, v.why)
        except Exception as error:
            return ("FAILED", f"the suite stopped: {type(error).__name__}: {error}")
        finally:
            if wire:
                wire.close()
            listener.close()
            proc.stop()

    def run(self, cases):
        for case in cases:
            began = time.monotonic()
            self.results[case["id"]] = self.run_case(case)
            self.times[case["id"]] = time.monotonic() - began

    def stop(self):
        pass


def shorten(value, limit=120):
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


# Report --------------------------------------------------------------------

def versions(args):
    found = {}
    try:
        found["libsoup"] = subprocess.run(["pkg-config", "--modversion", "libsoup-3.0"],
                                          capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    try:
        found["ws"] = json.loads((NODE_DIR / "node_modules" / "ws" / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        pass
    try:
        import websockets
        found["websockets"] = websockets.version.version
    except ImportError:
        pass
    if args.node:
        found["node"] = subprocess.run([args.node, "--version"], capture_output=True,
                                       text=True).stdout.strip()
    return found


def write_markdown(path, servers, clients, elapsed, found):
    def cell(result):
        return "—" if result is None else result[0]

    out = ["# WebSocket conformance", "",
           "Duplex's own conformance suite (`tests/conformance/`), modelled on the case",
           "sections of Autobahn|Testsuite, whose `wstest` no longer runs on current Python.",
           "The suite speaks the protocol over raw sockets: as a client against echo",
           "servers (the Duplex relay echoes to the sender, so with one client it is an",
           "echo server), and as a server sending good and bad frames to consuming",
           "clients. Node's `ws` and Python's `websockets` run the same cases as a check",
           "of the suite itself: a case both of them fail would be a bug in the suite.", "",
           "Verdicts: **OK** the peer did what RFC 6455 and RFC 7692 require;",
           "**NON-STRICT** it failed the connection, but not quite as required (another",
           "code, no close frame, only once the message ended, or without echoing the",
           "valid message before the bad frame); **FAILED** it did something wrong;",
           "**INFORMATIONAL** there is no wrong answer; — not applicable (the plain",
           "relay does not offer permessage-deflate).", "",
           f"Generated by `tests/conformance/run_conformance.py` on "
           f"{datetime.date.today().isoformat()} in {elapsed:.0f} s",
           f"({', '.join(f'{k} {v}' for k, v in found.items())}).",
           "`meson test conformance` runs it on every build and fails on any Duplex case",
           "that is not OK.", "",
           "What libsoup 3.2 does not allow, and what Duplex does instead:", "",
           "- It cannot send close codes 1012–1014 (service restart, try again later,",
           "  bad gateway), and answers them with 1002. Duplex shows them as they came",
           "  (the relay's log, the client's report), answers with 1000 as RFC 6455",
           "  allows, and refuses to send them with a plain explanation.",
           "- It accepts every permessage-deflate offer in one response, and refuses the",
           "  handshake over one bad parameter. The relay passes it the first offer it",
           "  can honour, or none (the offer is declined, the connection goes on).",
           "- It reports every breach with the same generic words, and checks UTF-8",
           "  only once a message is whole. Duplex's guard stream checks frames before",
           "  libsoup sees them, names the breach, and fails at the first bad byte.", ""]

    out += ["## Summary", "", "| Peer | " + " | ".join(VERDICTS) + " |",
            "|---|" + "---:|" * len(VERDICTS)]
    for role, targets in (("server", servers), ("client", clients)):
        for t in targets:
            counts = {v: 0 for v in VERDICTS}
            for result in t.results.values():
                if result:
                    counts[result[0]] += 1
            out.append(f"| {t.label} ({role}) | " + " | ".join(str(counts[v]) for v in VERDICTS) + " |")
    out.append("")

    def section(title, cases, targets):
        out.extend([f"## {title}", ""])
        category = None
        for case in cases:
            if case["category"] != category:
                category = case["category"]
                out.extend(["", f"### {category}", "",
                            "| Case | What | " + " | ".join(t.label for t in targets) + " |",
                            "|---|---|" + "---|" * len(targets)])
            out.append(f"| {case['id']} | {case['title']} | "
                       + " | ".join(cell(t.results.get(case["id"])) for t in targets) + " |")
        out.append("")

    section("As a server: the suite is the client", server_cases.CASES, servers)
    section("As a client: the suite is the server", client_cases.CASES, clients)

    notes = []
    for cases, targets in ((server_cases.CASES, servers), (client_cases.CASES, clients)):
        for case in cases:
            for t in targets:
                result = t.results.get(case["id"])
                if result and result[0] != "OK" and result[1]:
                    notes.append(f"- {case['id']}, {t.label}: {result[0]}: {result[1]}")
    if notes:
        out.extend(["## Why a case is not OK", ""] + notes + [""])
    Path(path).write_text("\n".join(out), encoding="utf-8")


# Main ----------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duplex", default=os.environ.get("DUPLEX"))
    parser.add_argument("--node", help="node, to run ws as a reference peer")
    parser.add_argument("--python", default="/usr/bin/python3",
                        help="a Python with websockets, to run it as a reference peer")
    parser.add_argument("--no-references", action="store_true",
                        help="run the Duplex columns only")
    parser.add_argument("--write", help="write the Markdown table to this file")
    parser.add_argument("--only", nargs="*", help="run only these case numbers")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, on_signal)
    sys.stdout.reconfigure(encoding="utf-8", line_buffering=True)

    if not args.duplex or not os.access(args.duplex, os.X_OK):
        print(f"Bail out! the duplex binary is missing ({args.duplex!r})")
        return 1
    duplex = args.duplex
    serve = [duplex, "serve", "--port", "0", "--max-message-size", str(server_cases.LIMIT)]
    servers = [ServerTarget("duplex", "Duplex serve", serve, False, True),
               ServerTarget("duplex-deflate", "Duplex serve --deflate", serve + ["--deflate"], True, True)]
    clients = [ClientTarget("duplex", "Duplex consume", lambda url: [duplex, "consume", url], True)]
    if not args.no_references:
        problems = []
        if not args.node or not (NODE_DIR / "node_modules" / "ws").exists():
            problems.append("node and tests/interop/node/node_modules are needed "
                            "(npm ci --prefix tests/interop/node)")
        if subprocess.run([args.python, "-c", "import websockets"], capture_output=True).returncode:
            problems.append(f"{args.python} cannot import websockets (python3-websockets)")
        if problems:
            print(f"Bail out! {'; '.join(problems)}")
            return 1
        interop = HERE.parent / "interop"
        servers += [ServerTarget("node", "Node ws", [args.node, HERE / "echo_peer.js",
                                                     NODE_DIR / "node_modules"], True, False),
                    ServerTarget("python", "Python websockets",
                                 [args.python, "-B", HERE / "echo_peer.py"], True, False)]
        clients += [ClientTarget("node", "Node ws",
                                 lambda url: [args.node, interop / "node" / "seed_consumer.js", url], False),
                    ClientTarget("python", "Python websockets",
                                 lambda url: [args.python, interop / "seed_consumer.py", url], False)]

    wanted = set(args.only or [])
    scases = [c for c in server_cases.CASES if not wanted or c["id"] in wanted]
    ccases = [c for c in client_cases.CASES if not wanted or c["id"] in wanted]
    print(f"1..{len(scases) + len(ccases)}")
    started = time.monotonic()
    targets = servers + clients
    try:
        threads = [threading.Thread(target=t.run, args=(scases if t in servers else ccases,), daemon=True)
                   for t in targets]
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(0.5)
    except Interrupted as interruption:
        print(f"Bail out! interrupted by {interruption}")
        return 1
    finally:
        for t in targets:
            t.stop()
    elapsed = time.monotonic() - started

    failures = 0
    number = 0
    for cases, group in ((scases, servers), (ccases, clients)):
        for case in cases:
            number += 1
            results = [(t, t.results.get(case["id"])) for t in group]
            # Duplex aims at every case: NON-STRICT fails the run too.
            duplex_failed = [t for t, r in results if t.duplex and r and r[0] in ("FAILED", "NON-STRICT")]
            references = [r for t, r in results if not t.duplex and r is not None]
            suite_bug = len(references) >= 2 and all(r[0] == "FAILED" for r in references)
            summary = ", ".join(f"{t.label}: {r[0] if r else '—'}" for t, r in results)
            ok = not duplex_failed and not suite_bug
            failures += not ok
            print(f"{'ok' if ok else 'not ok'} {number} - {case['id']} {case['title']} ({summary})")
            for t, r in results:
                if r and r[0] != "OK" and r[1]:
                    print(f"# {t.label}: {r[0]}: {r[1]}")
            if suite_bug:
                print("# every reference peer fails this case: the case itself is wrong")
    print(f"# {elapsed:.1f} s")
    for t in targets:
        slow = sorted(t.times.items(), key=lambda item: -item[1])[:5]
        print(f"# {t.label}: {sum(t.times.values()):.1f} s; slowest: "
              + ", ".join(f"{k} {v:.1f} s" for k, v in slow))
    if args.write:
        write_markdown(args.write, servers, clients, elapsed, versions(args))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
