// relay.js: a broadcast relay on Bun's built-in WebSocket server (uWebSockets)
// with its native publish/subscribe: every client subscribes to one topic and
// every message is published to it. It is one of the peers that
// bench/compare.py measures Duplex's relay against.
//
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Usage: bun relay.js [PORT]   (default 0: a free port)
// The first line on stdout is the URL to connect to, as with `duplex serve`.

const TOPIC = 'all';
const port = Number(process.argv[2] || 0);

const server = Bun.serve({
  hostname: '127.0.0.1',
  port,
  fetch(request, server) {
    if (server.upgrade(request))
      return undefined;
    return new Response('WebSocket only\n', { status: 426 });
  },
  websocket: {
    // No compression, like `duplex serve`; the limits are Duplex's defaults
    // (16 MiB per message, 8 MiB queued per client) so neither relay drops a
    // client the other would keep.
    perMessageDeflate: false,
    maxPayloadLength: 16 * 1024 * 1024,
    backpressureLimit: 8 * 1024 * 1024,
    closeOnBackpressureLimit: false,
    // Every message to every client, the sender included: publish() on the
    // server, not on the sending socket (which would skip the sender).
    publishToSelf: true,
    open(ws) {
      ws.subscribe(TOPIC);
    },
    message(ws, message) {
      server.publish(TOPIC, message);
    },
  },
});

process.stdout.write(`ws://127.0.0.1:${server.port}/\n`);

for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => process.exit(0));
