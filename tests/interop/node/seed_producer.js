#!/usr/bin/env node
// seed_producer.js: the tutorial's producer, with ws
//
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Connects, sends one message, waits for one reply and prints it (text as
// it is, binary as lowercase hex), then closes with 1000. The reply tells
// the producer its message was delivered. With --binary-file the file's
// bytes are sent as one binary message instead of MESSAGE.
// Exits 0 when a reply arrived, 1 otherwise.
//
// Usage: seed_producer.js URL MESSAGE
//        seed_producer.js URL --binary-file FILE [--timeout SECONDS]
'use strict';

const fs = require('fs');
const { parseArgs } = require('util');
const { WebSocket } = require('ws');
const { show } = require('./show');

function produce(message, isBinary, url, timeout) {
  return new Promise((resolve) => {
    const websocket = new WebSocket(url);
    let replied = false;
    let opened = false;
    let timer = null;

    websocket.on('open', () => {
      opened = true;
      console.error(`connected to ${url}`);
      websocket.send(message, { binary: isBinary });
      timer = setTimeout(() => {
        console.error('no reply arrived in time');
        websocket.close(1000);
      }, timeout * 1000);
    });
    websocket.on('message', (data, binary) => {
      if (replied)
        return;
      replied = true;
      clearTimeout(timer);
      show(data, binary);
      websocket.close(1000);
    });
    websocket.on('error', (error) => {
      console.error(opened ? `error: ${error.message}` : `could not connect to ${url}: ${error.message}`);
    });
    websocket.on('close', (code, reason) => {
      clearTimeout(timer);
      if (opened && !replied)
        console.error('the connection closed before a reply arrived');
      if (opened)
        console.error(`closed with code ${code}, reason ${JSON.stringify(reason.toString())}`);
      resolve(replied ? 0 : 1);
    });
  });
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'binary-file': { type: 'string' },
      timeout: { type: 'string', default: '10' },
    },
  });
  const [url, text] = positionals;
  const file = values['binary-file'];
  if (!url || (text === undefined) === (file === undefined) || positionals.length > 2) {
    console.error('usage: seed_producer.js URL (MESSAGE | --binary-file FILE) [--timeout SECONDS]');
    process.exitCode = 2;
    return;
  }
  const message = file ? fs.readFileSync(file) : text;
  process.exitCode = await produce(message, Boolean(file), url, Number(values.timeout));
}

main();
