#!/usr/bin/python3
# check-file-manager-open.py: a saved log opens from a file manager. The
# desktop entry and the JSON Lines type are registered the way a desktop
# finds them (XDG data directories, the MIME database), and the file is
# opened through GIO, as Files (Nautilus) does: GIO picks the type and the
# application and runs its Exec line. The window that opens must be named
# after the file.
#
# Usage (under a display and a session bus):
#   check-file-manager-open.py DESKTOP_FILE MIME_FILE BINDIR APP_ID
#   (update-mime-database, update-desktop-database, gio and xwininfo on PATH)
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

desktop_file, mime_file, bindir, app_id = sys.argv[1:]
failures = 0
number = 0


def check(ok, what, details=''):
    global failures, number
    number += 1
    print(f"{'ok' if ok else 'not ok'} {number} {what}")
    if not ok:
        failures += 1
        for line in details.splitlines():
            print(f'# {line}')
    return ok


def run(args, env):
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)


def our_processes(marker):
    """PIDs of processes whose command line names our own temporary folder."""
    pids = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f'/proc/{entry}/cmdline', 'rb') as f:
                if marker.encode() in f.read():
                    pids.append(int(entry))
        except OSError:
            pass
    return pids


print('TAP version 13')
with tempfile.TemporaryDirectory(prefix='duplex-fm-') as home:
    data_home = os.path.join(home, 'data')
    os.makedirs(os.path.join(data_home, 'applications'))
    os.makedirs(os.path.join(data_home, 'mime', 'packages'))
    shutil.copy(desktop_file, os.path.join(data_home, 'applications', app_id + '.desktop'))
    shutil.copy(mime_file, os.path.join(data_home, 'mime', 'packages', app_id + '.xml'))

    env = dict(os.environ)
    env.update({
        'XDG_DATA_HOME': data_home,
        'XDG_CONFIG_HOME': os.path.join(home, 'config'),
        'XDG_DATA_DIRS': os.environ.get('XDG_DATA_DIRS', '/usr/local/share:/usr/share'),
        'PATH': bindir + os.pathsep + os.environ.get('PATH', '/usr/bin:/bin'),
        # No desktop to ask: GIO launches directly.
        'GIO_USE_VFS': 'local',
    })
    # What `meson install` runs after installing (gnome.post_install), and
    # a distribution's package triggers: the desktop's indexes.
    result = run(['update-mime-database', os.path.join(data_home, 'mime')], env)
    check(result.returncode == 0, 'the MIME database takes the JSON Lines type', result.stderr)
    result = run(['update-desktop-database', os.path.join(data_home, 'applications')], env)
    check(result.returncode == 0, 'the desktop database takes the entry', result.stderr)

    log = os.path.join(home, 'saved session.jsonl')
    with open(log, 'w', encoding='utf-8') as f:
        f.write('{"time":"2026-01-01T10:00:00.000000Z","connection":"ws://localhost:4000/",'
                '"direction":"received","kind":"text","size":17,"text":"opened from Files"}\n')

    result = run(['gio', 'info', '-a', 'standard::content-type', log], env)
    check('application/jsonl' in result.stdout, 'a .jsonl file is application/jsonl',
          result.stdout + result.stderr)

    result = run(['gio', 'mime', 'application/jsonl'], env)
    check(f'{app_id}.desktop' in result.stdout.splitlines()[0] if result.stdout else False,
          f'{app_id} is the default application for application/jsonl',
          result.stdout + result.stderr)

    # The application inherits gio's output: keep it in a file, so that
    # waiting for gio does not wait for the window too.
    with tempfile.TemporaryFile(mode='w+') as output:
        opener = subprocess.run(['gio', 'open', log], env=env, stdout=output, stderr=output,
                                timeout=60)
        output.seek(0)
        check(opener.returncode == 0, 'gio open starts the application', output.read())

    title = 'saved session.jsonl — Duplex'
    seen = ''
    deadline = time.monotonic() + 60
    found = False
    while time.monotonic() < deadline:
        seen = run(['xwininfo', '-root', '-tree'], env).stdout
        if title in seen:
            found = True
            break
        time.sleep(0.25)
    check(found, f'a window titled "{title}" opens',
          '\n'.join(l for l in seen.splitlines() if '"' in l))

    for pid in our_processes(home):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 10
    while our_processes(home) and time.monotonic() < deadline:
        time.sleep(0.1)
    check(not our_processes(home), 'the window it opened has ended')

print(f'1..{number}')
sys.exit(1 if failures else 0)
