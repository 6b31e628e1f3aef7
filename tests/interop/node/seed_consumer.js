#!/usr/bin/env node
// seed_consumer.js: the tutorial's message consumer, with ws
//
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Connects to a WebSocket URL (ws://localhost:4000 by default) and prints
// every message on its own line: text as it is, binary as lowercase hex,
// the same way `duplex consume` does. With COUNT it stops after that many
// messages. Connection events go to stderr; the last one is always
//   closed with code N, reason "..."
// Exits 0 after COUNT messages or a clean close (1000 or 1001), 1 otherwise.
//
// Usage: seed_consumer.js [URL] [COUNT]
'use strict';

const { WebSocket } = require('ws');
const { show } = require('./show');

function consume(url, count) {
  return new Promise((resolve) => {
    const websocket = new WebSocket(url);
    let received = 0;
    let opened = false;

    websocket.on('open', () => {
      opened = true;
      console.error(`connected to ${url}`);
    });
    websocket.on('message', (data, isBinary) => {
      if (count && received >= count)
        return;
      show(data, isBinary);
      received += 1;
      if (count && received >= count)
        websocket.close(1000);
    });
    websocket.on('error', (error) => {
      if (!opened)
        console.error(`could not connect to ${url}: ${error.message}`);
      else
        console.error(`error: ${error.message}`);
    });
    websocket.on('close', (code, reason) => {
      console.error(`closed with code ${code}, reason ${JSON.stringify(reason.toString())}`);
      if (!opened)
        resolve(1);
      else if (count && received >= count)
        resolve(0);
      else
        resolve(code === 1000 || code === 1001 ? 0 : 1);
    });
  });
}

async function main() {
  const url = process.argv[2] || 'ws://localhost:4000';
  const count = Number(process.argv[3] || 0);
  process.exitCode = await consume(url, count);
}

main();
