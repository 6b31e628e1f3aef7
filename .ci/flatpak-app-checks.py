#!/usr/bin/python3
# flatpak-app-checks.py APP VERSION SCREENSHOT [--passed N]: what a user does
# with the installed Flatpak, checked from outside the sandbox (run by
# .ci/flatpak-check). Loopback only; every wait is bounded; only processes
# started here are stopped, by their own id. Ends with "N passed, N failed"
# (N counting --passed checks done before).
#
#   --version              `flatpak run APP --version` prints the version
#   serve from the host    a relay in the sandbox answers a host client
#   consume and produce    both in the sandbox, through the relay
#   --die-with-parent      SIGINT to `flatpak run` stops the relay inside
#   wss://                 produce over TLS through the runtime's
#                          glib-networking: refused for a self-signed
#                          certificate, accepted with --insecure
#   the window             under Xvfb, mapped, and a screenshot saved
#
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import asyncio
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

import websockets

parser = argparse.ArgumentParser()
parser.add_argument('app')
parser.add_argument('version')
parser.add_argument('screenshot')
parser.add_argument('--passed', type=int, default=0)
args = parser.parse_args()

passed, failed = args.passed, 0
started = []


def check(condition, what, detail=''):
    global passed, failed
    if condition:
        passed += 1
        print(f'ok: {what}', flush=True)
    else:
        failed += 1
        print(f'failed: {what}', flush=True)
        for line in str(detail).rstrip().splitlines()[-30:]:
            print(f'    {line}', flush=True)
    return condition


def duplex(*argv, die_with_parent=True):
    flags = ['--die-with-parent'] if die_with_parent else []
    return ['flatpak', 'run', *flags, '--command=duplex', args.app, *argv]


def run(argv, timeout=60, **kwargs):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired as error:
        # The output caught so far comes as bytes, even with text=True.
        out = error.stdout or b''
        if isinstance(out, bytes):
            out = out.decode(errors='replace')
        return subprocess.CompletedProcess(argv, -1, out, f'timed out after {timeout} s')


def start(argv, **kwargs):
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    started.append(process)
    return process


def stop(process, sig=signal.SIGINT, timeout=20):
    if process.poll() is None:
        process.send_signal(sig)
    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def port_open(port):
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(('127.0.0.1', port)) == 0


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


async def host_exchange(url, text, ssl_context=None):
    async with websockets.connect(url, ssl=ssl_context, open_timeout=20) as ws:
        await ws.send(text)
        return await asyncio.wait_for(ws.recv(), 20)


try:
    # --version
    result = run(['flatpak', 'run', args.app, '--version'])
    check(result.returncode == 0 and args.version in result.stdout,
          f'flatpak run {args.app} --version prints {args.version}', result.stdout + result.stderr)

    # serve in the sandbox, reached from the host
    port = free_port()
    relay = start(duplex('serve', '--port', str(port)))
    up = wait_for(lambda: port_open(port) or relay.poll() is not None, 60) and relay.poll() is None
    if check(up, f'duplex serve in the sandbox listens on 127.0.0.1:{port}',
             relay.poll() is not None and ''.join(relay.communicate()) or 'the port never opened'):
        url = f'ws://127.0.0.1:{port}'
        try:
            reply = asyncio.run(host_exchange(url, 'from the host'))
        except Exception as error:  # noqa: BLE001: any failure is the check's
            reply = repr(error)
        check(reply == 'from the host', 'a client on the host gets its message back from the relay', reply)

        # consume and produce, both in the sandbox
        consumer_err = tempfile.TemporaryFile('w+')
        consumer = subprocess.Popen(duplex('consume', url), stdout=subprocess.PIPE, stderr=consumer_err,
                                    text=True)
        started.append(consumer)

        def consumer_connected():
            consumer_err.seek(0)
            return 'Connected to' in consumer_err.read() or consumer.poll() is not None

        wait_for(consumer_connected, 60)
        produced = run(duplex('produce', url, 'from the sandbox'))
        check(produced.returncode == 0 and 'from the sandbox' in produced.stdout,
              'duplex produce in the sandbox sends a message and prints the reply',
              produced.stdout + produced.stderr)
        time.sleep(1)
        out, _ = stop(consumer)
        consumer_err.seek(0)
        check('from the sandbox' in out, 'duplex consume in the sandbox prints the produced message',
              out + consumer_err.read())

    # SIGINT to the `flatpak run --die-with-parent` process stops the relay.
    out, err = stop(relay)
    closed = wait_for(lambda: not port_open(port), 20)
    check(closed, 'SIGINT to `flatpak run --die-with-parent ... serve` stops the relay in the sandbox',
          out + err)

    # wss:// through the runtime's glib-networking
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = os.path.join(tmp, 'cert.pem'), os.path.join(tmp, 'key.pem')
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
                        '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert],
                       check=True, capture_output=True)
        tls_port = free_port()
        server = start([sys.executable, '-c', '''
import asyncio, ssl, sys, websockets
cert, key, port = sys.argv[1:]
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
async def echo(ws, *rest):
    async for message in ws:
        await ws.send(message)
async def main():
    async with websockets.serve(echo, "127.0.0.1", int(port), ssl=context):
        await asyncio.Future()
asyncio.run(main())
''', cert, key, str(tls_port)])
        if check(wait_for(lambda: port_open(tls_port), 20), f'a TLS echo server on the host, port {tls_port}'):
            url = f'wss://127.0.0.1:{tls_port}'
            refused = run(duplex('produce', url, 'over tls'))
            check(refused.returncode == 1 and 'over tls' not in refused.stdout,
                  'duplex produce wss:// refuses a self-signed certificate (exit 1)',
                  refused.stdout + refused.stderr)
            accepted = run(duplex('produce', '--insecure', url, 'over tls'))
            check(accepted.returncode == 0 and 'over tls' in accepted.stdout,
                  'duplex produce --insecure wss:// gets the reply over TLS',
                  accepted.stdout + accepted.stderr)
        stop(server, signal.SIGTERM)

    # The window under Xvfb, with a screenshot.
    os.makedirs(os.path.dirname(args.screenshot), exist_ok=True)
    script = r'''
set -u
flatpak run --die-with-parent "$1" &
app=$!
for i in $(seq 1 120); do
  if xwininfo -root -tree 2>/dev/null | grep -q '"Duplex"'; then break; fi
  sleep 0.5
done
xwininfo -root -tree | grep '"Duplex"' || { kill $app; exit 3; }
# Drawn in software on a busy machine, the first frame can take a while: a
# screenshot of a window not drawn yet is all black, and compresses to a
# few kilobytes.
for i in $(seq 1 30); do
  sleep 1
  xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng >"$2"
  [ "$(stat -c %s "$2")" -gt 10000 ] && break
done
# SIGTERM: a background job of a script ignores SIGINT.
kill $app
wait $app
exit 0
'''
    result = run(['dbus-run-session', '--', 'xvfb-run', '-a', '-s', '-screen 0 1280x800x24',
                  'bash', '-c', script, 'window', args.app, args.screenshot], timeout=180)
    check(result.returncode == 0, 'the window opens under Xvfb (a "Duplex" window is mapped)',
          result.stdout + result.stderr)
    check(os.path.exists(args.screenshot) and os.path.getsize(args.screenshot) > 10000,
          f'a screenshot of it is saved as {args.screenshot}')
finally:
    for process in started:
        if process.poll() is None:
            stop(process, signal.SIGTERM)

print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
