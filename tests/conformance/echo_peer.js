#!/usr/bin/env node
// echo_peer.js: a ws echo server for the conformance suite's self-check
//
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Sends every message back to its sender, as the Duplex relay does with one
// client, with permessage-deflate offered (ws leaves it off by default on a
// server) and the same 1 MiB message limit as the other servers under test.
// Prints its URL as the first line on stdout; stops on SIGTERM or SIGINT.
//
// Usage: echo_peer.js NODE_MODULES_DIR
'use strict';

const path = require('path');
const { WebSocketServer } = require(path.join(process.argv[2], 'ws'));

const server = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  maxPayload: 1024 * 1024,
  perMessageDeflate: true,
}, () => {
  process.stdout.write(`ws://127.0.0.1:${server.address().port}/\n`);
});

server.on('connection', (websocket) => {
  websocket.on('message', (data, isBinary) => websocket.send(data, { binary: isBinary }));
  websocket.on('error', () => {});
});

const stop = () => process.exit(0);
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
