// show.js: prints a message the way `duplex consume` does
//
// SPDX-License-Identifier: GPL-3.0-or-later
'use strict';

// Text as it is, binary as lowercase hex, one message per line. The peers
// end by setting process.exitCode, never process.exit(), so Node flushes
// stdout before it exits and large messages are never cut off.
function show(data, isBinary) {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  process.stdout.write((isBinary ? buffer.toString('hex') : buffer.toString('utf8')) + '\n');
}

module.exports = { show };
