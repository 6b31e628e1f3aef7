#!/usr/bin/python3
# test_python.py: Duplex against the tutorial's peers written with Python websockets
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Prints TAP. Run by meson (suite interop), or by hand:
#   DUPLEX=build/src/duplex /usr/bin/python3 tests/interop/test_python.py

import sys

import harness
import peer_cases

peer_cases.register(peer_cases.PYTHON)

if __name__ == "__main__":
    sys.exit(harness.run_cases(require=["websockets"]))
