// relay-check.js: sends text and binary to duplex serve and reports what came back
//
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The relay sends every message back to its sender, so each message sent
// must come back unchanged. The page only records what it received (the
// text itself, the length and SHA-256 of binary data, the close event);
// test_browser.py decides whether that is right.
'use strict';

const STEP_TIMEOUT_MS = 15000;

// The same bytes as ALL_BYTES in harness.py: 0x00 and 0xff at both ends and
// every byte value up and down.
function allBytes() {
  const bytes = [0x00, 0xff];
  for (let i = 0; i < 256; i++)
    bytes.push(i);
  for (let i = 255; i >= 0; i--)
    bytes.push(i);
  bytes.push(0xff, 0x00);
  return new Uint8Array(bytes);
}

// The same bytes as browser_large_bytes() in test_browser.py.
function largeBytes(size) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++)
    bytes[i] = (i * 31 + (i >> 8) * 7) & 0xff;
  return bytes;
}

async function sha256Hex(buffer) {
  const digest = await crypto.subtle.digest('SHA-256', buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Messages and the close event, delivered in order to whoever waits.
function inbox(socket) {
  const queue = [];
  const waiting = [];
  const deliver = (item) => (waiting.length ? waiting.shift()(item) : queue.push(item));
  socket.addEventListener('message', (event) => deliver({ message: event.data }));
  socket.addEventListener('close', (event) => deliver({
    close: { code: event.code, reason: event.reason, wasClean: event.wasClean },
  }));
  return () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve)));
}

async function describe(item) {
  if (item.close)
    return { close: item.close };
  if (typeof item.message === 'string')
    return { type: 'text', text: item.message };
  return {
    type: item.message instanceof ArrayBuffer ? 'arraybuffer' : typeof item.message,
    length: item.message.byteLength,
    sha256: await sha256Hex(item.message),
  };
}

async function run(report) {
  const params = new URLSearchParams(location.search);
  const socket = new WebSocket(params.get('relay'), ['duplex.browser.v1', 'chat']);
  socket.binaryType = 'arraybuffer';
  const next = inbox(socket);

  await withTimeout(new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', () => reject(new Error('the WebSocket did not open')), { once: true });
  }), 'the connection');
  report.protocol = socket.protocol;
  report.extensions = socket.extensions;

  socket.send(params.get('text'));
  report.text = await describe(await withTimeout(next(), 'the text to come back'));

  socket.send(allBytes().buffer);
  report.small = await describe(await withTimeout(next(), 'the small binary message to come back'));

  socket.send(largeBytes(Number(params.get('large'))).buffer);
  report.large = await describe(await withTimeout(next(), 'the large binary message to come back'));

  socket.close(4000, 'bye');
  report.closing = await describe(await withTimeout(next(), 'the close event'));
}

async function main() {
  const report = { userAgent: navigator.userAgent, secure: window.isSecureContext };
  try {
    await run(report);
  } catch (error) {
    report.error = String(error);
  }
  document.getElementById('status').textContent = report.error ? `failed: ${report.error}` : 'done';
  await fetch('/report', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(report),
  });
}

main();
