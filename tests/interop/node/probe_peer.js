#!/usr/bin/env node
// probe_peer.js: what the tutorial's peers do not do, with ws
//
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Two roles for the interoperability tests:
//
//   probe_peer.js server [--port P] [--protocol P]... [--ping DATA] [--greeting TEXT]
//                        --close-code C [--close-reason R]
//     Prints its URL as the first line on stdout. Accepts the subprotocols
//     given (the first one the client offers wins). For every client it
//     logs on stderr "+ connected {JSON}" with the request path, the
//     subprotocol and the request headers (names in lower case), pings with
//     DATA and logs 'pong "DATA"' with the data of the answer (if asked),
//     sends TEXT (if given), closes with C and R, and logs the close code
//     and reason the client answered.
//
//   probe_peer.js client URL [--protocol P]... [--ping DATA]
//                        [--send TEXT | --send-file FILE [--fragments N] | --send-invalid-utf8]
//                        [--close-code C] [--close-reason R]
//     Offers the subprotocols in order; pings with DATA and waits for the
//     pong (if asked); sends TEXT, or FILE as one binary message split into
//     N fragments, or a text frame that is not valid UTF-8, and waits for
//     one reply (if asked); closes with C and R (default 1000); prints one
//     JSON line on stdout:
//       {"protocol", "extensions", "pong", "reply", "close_code", "close_reason"}
//     a binary reply as lowercase hex, the close code and reason being what
//     the server answered (or what it closed with).
'use strict';

const fs = require('fs');
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
  listener.on('connection', (websocket, request) => {
    const headers = {};
    for (let i = 0; i < request.rawHeaders.length; i += 2)
      headers[request.rawHeaders[i].toLowerCase()] = request.rawHeaders[i + 1];
    log(`+ connected ${JSON.stringify({ path: request.url, subprotocol: websocket.protocol || null, headers })}`);
    websocket.on('close', (code, reason) => {
      log(`- closed; the client answered ${code} ${JSON.stringify(reason.toString())}`);
    });
    websocket.on('error', (error) => log(`! ${error.message}`));
    const greetAndClose = () => {
      if (values.greeting !== undefined)
        websocket.send(values.greeting);
      websocket.close(Number(values['close-code']), values['close-reason'] || '');
    };
    if (values.ping === undefined) {
      greetAndClose();
      return;
    }
    const timer = setTimeout(() => {
      log('no pong within 10 s');
      greetAndClose();
    }, 10000);
    websocket.once('pong', (data) => {
      clearTimeout(timer);
      log(`pong ${JSON.stringify(data.toString())}`);
      greetAndClose();
    });
    websocket.ping(Buffer.from(values.ping));
  });
  const stop = () => listener.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function sendMessage(websocket, values) {
  if (values['send-invalid-utf8']) {
    // ws does not check what it sends: this is "h", two bytes that are
    // never valid UTF-8, and "i", in a text frame.
    websocket.send(Buffer.from([0x68, 0xff, 0xfe, 0x69]), { binary: false });
  } else if (values['send-file'] !== undefined) {
    const data = fs.readFileSync(values['send-file']);
    const count = Number(values.fragments || 1);
    const size = Math.ceil(data.length / count);
    for (let start = 0; start < data.length; start += size) {
      const fin = start + size >= data.length;
      websocket.send(data.subarray(start, start + size), { binary: true, fin });
    }
  } else {
    websocket.send(values.send);
  }
}

function runClient(url, values) {
  return new Promise((resolve) => {
    const websocket = new WebSocket(url, values.protocol || []);
    const result = { protocol: null, extensions: [], pong: null, reply: null };
    const timeout = Number(values.timeout || 10) * 1000;
    const sending = values.send !== undefined || values['send-file'] !== undefined ||
      values['send-invalid-utf8'];
    let timer = null;
    let step = null;

    const finish = () => {
      clearTimeout(timer);
      if (websocket.readyState === WebSocket.OPEN)
        websocket.close(Number(values['close-code'] || 1000), values['close-reason'] || '');
    };
    const expect = (what) => {
      step = what;
      timer = setTimeout(() => {
        log(`no ${what} arrived in time`);
        finish();
      }, timeout);
    };
    const sendOrFinish = () => {
      if (!sending) {
        finish();
        return;
      }
      sendMessage(websocket, values);
      expect('reply');
    };

    websocket.on('open', () => {
      log(`connected to ${url}`);
      result.protocol = websocket.protocol || null;
      result.extensions = websocket.extensions ? Object.keys(extension.parse(websocket.extensions)) : [];
      if (values.ping !== undefined) {
        websocket.ping(Buffer.from(values.ping));
        expect('pong');
      } else {
        sendOrFinish();
      }
    });
    websocket.on('pong', (data) => {
      if (step !== 'pong')
        return;
      clearTimeout(timer);
      result.pong = data.toString();
      sendOrFinish();
    });
    websocket.on('message', (data, isBinary) => {
      if (step !== 'reply' || result.reply !== null)
        return;
      result.reply = isBinary ? Buffer.from(data).toString('hex') : data.toString();
      finish();
    });
    websocket.on('error', (error) => log(`error: ${error.message}`));
    websocket.on('close', (code, reason) => {
      clearTimeout(timer);
      result.close_code = code;
      result.close_reason = reason.toString();
      process.stdout.write(JSON.stringify(result) + '\n');
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
      ping: { type: 'string' },
      send: { type: 'string' },
      'send-file': { type: 'string' },
      fragments: { type: 'string' },
      'send-invalid-utf8': { type: 'boolean' },
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
