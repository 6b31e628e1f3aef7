# datatest.py: what the data tests share
#
# Each test is a script that exits 0 when every check passed, 1 when one
# failed (after printing all of them), and 77 (skipped) only when a tool it
# needs is missing inside a Flatpak build sandbox. Outside Flatpak a missing
# tool is a failure: the install script must provide it.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import subprocess
import sys

SKIP = 77


def in_flatpak():
    return os.path.exists('/.flatpak-info')


def need(tool, package):
    """The full path of @tool, or the end of the test if it is missing."""
    path = shutil.which(tool)
    if path:
        return path
    if in_flatpak():
        print(f'SKIP: {tool} is not in this SDK')
        sys.exit(SKIP)
    print(f'FAIL: {tool} not found: install the Debian package {package}', file=sys.stderr)
    sys.exit(1)


def run(argv, **kwargs):
    """Runs @argv and returns the CompletedProcess, text mode, never raising."""
    kwargs.setdefault('stdout', subprocess.PIPE)
    kwargs.setdefault('stderr', subprocess.PIPE)
    return subprocess.run(argv, text=True, check=False, **kwargs)


class Checks:
    """Collects results so one run reports every problem, not just the first."""

    def __init__(self, name):
        self.name = name
        self.failures = 0
        self.count = 0

    def check(self, condition, what, detail=None):
        self.count += 1
        if condition:
            print(f'ok: {what}')
        else:
            self.failures += 1
            print(f'FAIL: {what}', file=sys.stderr)
            if detail:
                for line in str(detail).rstrip().splitlines():
                    print(f'    {line}', file=sys.stderr)
        return condition

    def finish(self):
        if self.failures:
            print(f'{self.name}: {self.failures} of {self.count} checks failed', file=sys.stderr)
            sys.exit(1)
        print(f'{self.name}: all {self.count} checks passed')
        sys.exit(0)
