#!/usr/bin/env node
// probe_peer.js: what the tutorial's peers do not do, with ws
//
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Two roles for the interoperability tests:
//
//   probe_peer.js server [--port P] [--protocol P]... [--greeting TEXT] --close-code C [--close-reason R]
//     Prints its URL as the first line on stdout. Accepts the subprotocols
//     given (the first one the client offers wins). Every client gets TEXT
//     (if given) and is then closed with C and R. Logs on stderr the close
//     code and reason that came back from the client.
//
//   probe_peer.js client URL [--protocol P]... [--send TEXT] [--close-code C] [--close-reason R]
//     Offers the subprotocols in order, sends TEXT and waits for one reply
//     (if given), closes with C and R (default 1000), and prints one JSON
//     line on stdout: {"protocol", "extensions", "reply", "close_code",
//     "close_reason"},
//     the close code and reason being what the server answered.
'use strict';

const { parseArgs } = require('util');
const { WebSocket, WebSocketServer, extension } = require('ws');

function log(line) {
  process.stderr.write(line + '\n');
}

function runServer(values) {
  const supported = values.protocol || [];
  const handleProtocols = (offered) => [...offered].find((p) => supported.includes(p)) || false;
  const options = { host: '127.0.0.1', port: Number(values.port || 0), handleProtocols };
  const listener = new WebSocketServer(options, () => {
    process.stdout.write(`ws://127.0.0.1:${listener.address().port}/\n`);
  });
  listener.on('connection', (websocket) => {
    log(`+ connected, subprotocol ${JSON.stringify(websocket.protocol || null)}`);
    websocket.on('close', (code, reason) => {
      log(`- closed; the client answered ${code} ${JSON.stringify(reason.toString())}`);
    });
    websocket.on('error', (error) => log(`! ${error.message}`));
    if (values.greeting !== undefined)
      websocket.send(values.greeting);
    websocket.close(Number(values['close-code']), values['close-reason'] || '');
  });
  const stop = () => listener.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function runClient(url, values) {
  return new Promise((resolve) => {
    const websocket = new WebSocket(url, values.protocol || []);
    let reply = null;
    let timer = null;
    const finish = () => websocket.close(Number(values['close-code'] || 1000), values['close-reason'] || '');

    websocket.on('open', () => {
      log(`connected to ${url}`);
      if (values.send === undefined) {
        finish();
        return;
      }
      websocket.send(values.send);
      timer = setTimeout(() => {
        log('no reply arrived in time');
        finish();
      }, Number(values.timeout || 10) * 1000);
    });
    websocket.on('message', (data, isBinary) => {
      if (reply !== null)
        return;
      clearTimeout(timer);
      reply = isBinary ? Buffer.from(data).toString('hex') : data.toString();
      finish();
    });
    websocket.on('error', (error) => log(`error: ${error.message}`));
    websocket.on('close', (code, reason) => {
      clearTimeout(timer);
      process.stdout.write(JSON.stringify({
        protocol: websocket.protocol || null,
        extensions: websocket.extensions ? Object.keys(extension.parse(websocket.extensions)) : [],
        reply,
        close_code: code,
        close_reason: reason.toString(),
      }) + '\n');
      resolve(0);
    });
  });
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      greeting: { type: 'string' },
      protocol: { type: 'string', multiple: true },
      send: { type: 'string' },
      timeout: { type: 'string' },
      'close-code': { type: 'string' },
      'close-reason': { type: 'string' },
    },
  });
  const [role, url] = positionals;
  if (role === 'server' && values['close-code'] !== undefined) {
    runServer(values);
  } else if (role === 'client' && url) {
    process.exitCode = await runClient(url, values);
  } else {
    log('usage: probe_peer.js server --close-code C [...] | probe_peer.js client URL [...]');
    process.exitCode = 2;
  }
}

main();
