// relay.js: a broadcast relay on the ws package, written the usual way
// (one send per client from the message handler). It is one of the peers
// that bench/compare.py measures Duplex's relay against.
//
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Usage: node relay.js [PORT]   (default 0: a free port)
// The first line on stdout is the URL to connect to, as with `duplex serve`.
'use strict';

const http = require('http');
const { WebSocketServer, WebSocket } = require('ws');

const port = Number(process.argv[2] || 0);
const server = http.createServer();
// No compression (the ws default for servers), every client gets every
// message, the sender included, like `duplex serve`.
const wss = new WebSocketServer({ server });

wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN)
        client.send(data, { binary: isBinary });
    }
  });
  socket.on('error', () => {});
});

// The same listen backlog as Duplex's relay, so a burst of connections
// measures the relay and not the kernel's accept queue.
server.listen({ host: '127.0.0.1', port, backlog: 4096 }, () => {
  process.stdout.write(`ws://127.0.0.1:${server.address().port}/\n`);
});

for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => process.exit(0));
