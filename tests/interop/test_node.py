#!/usr/bin/python3
# test_node.py: Duplex against the tutorial's peers written with Node ws
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Prints TAP. Needs `npm ci --prefix tests/interop/node` first. Run by meson
# (suite interop), or by hand:
#   DUPLEX=build/src/duplex /usr/bin/python3 tests/interop/test_node.py --node /usr/bin/node

import sys

import harness
import peer_cases

peer_cases.register(peer_cases.NODE)

if __name__ == "__main__":
    sys.exit(harness.run_cases(require=["node"]))
