#!/usr/bin/env node
// seed_server.js: the tutorial's relay server, with ws
//
// SPDX-License-Identifier: GPL-3.0-or-later
//
// A server class registers every client and relays each message it gets
// to all connected clients, the sender included, waiting until one send per
// client is done (Promise.allSettled plays the part of asyncio.wait).
// Prints its URL as the first line on stdout (port 0 picks a free port),
// logs connects and disconnects on stderr, and stops cleanly on SIGINT or
// SIGTERM (clients get 1001).
//
// Usage: seed_server.js [PORT] [HOST]     (defaults: 4000 127.0.0.1)
'use strict';

const { WebSocketServer } = require('ws');

class Server {
  constructor() {
    this.clients = new Set();
  }

  register(websocket, address) {
    this.clients.add(websocket);
    log(`+ ${address} connected; ${this.clients.size} connected`);
  }

  unregister(websocket, address, code, reason) {
    this.clients.delete(websocket);
    log(`- ${address} disconnected (${code}, ${JSON.stringify(reason.toString())}); ` +
        `${this.clients.size} connected`);
  }

  async sendToClients(data, isBinary) {
    const sends = [...this.clients].map((client) => new Promise((resolve, reject) => {
      client.send(data, { binary: isBinary }, (error) => (error ? reject(error) : resolve()));
    }));
    // A client that left meanwhile is unregistered by its own close handler.
    await Promise.allSettled(sends);
  }

  wsHandler(websocket, request) {
    const address = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
    this.register(websocket, address);
    websocket.on('message', (data, isBinary) => this.sendToClients(data, isBinary));
    websocket.on('close', (code, reason) => this.unregister(websocket, address, code, reason));
    websocket.on('error', (error) => log(`! ${address}: ${error.message}`));
  }
}

function log(line) {
  process.stderr.write(line + '\n');
}

function main() {
  const port = Number(process.argv[2] || 4000);
  const host = process.argv[3] || '127.0.0.1';
  const server = new Server();
  const listener = new WebSocketServer({ host, port }, () => {
    const url = `ws://${host}:${listener.address().port}/`;
    process.stdout.write(url + '\n');
    log(`listening on ${url}`);
  });
  listener.on('connection', (websocket, request) => server.wsHandler(websocket, request));

  const stop = () => {
    log(`stopping: closing ${server.clients.size} clients with 1001`);
    for (const client of server.clients)
      client.close(1001);
    listener.close(() => process.exit(0));
    // A client that never answers the close is dropped after a while.
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main();
