# cdp.py: a small Chrome DevTools Protocol driver for headless Chromium
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Chromium runs as a harness process with --remote-debugging-port=0 and
# prints the browser's DevTools address on stderr; the driver opens one
# WebSocket to it (Python websockets) and drives every tab over it with
# flattened sessions. Everything a test asks of a page is plain JavaScript
# evaluated in it, and every wait is bounded.

import asyncio
import base64
import itertools
import json
import time

import websockets

from harness import TIMEOUT, Failure


def chromium_argv(chromium, profile, lang="en-US"):
    return [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic", "--disable-extensions", "--no-default-browser-check",
        # Thirty tabs share a few renderers, and none is throttled as hidden.
        "--renderer-process-limit=4", "--disable-renderer-backgrounding",
        "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows",
        f"--lang={lang}", f"--accept-lang={lang}",
        "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
        f"--user-data-dir={profile}", "about:blank",
    ]


def start_chromium(t, lang="en-US", name="chromium"):
    """Starts Chromium; returns the process and its DevTools address."""
    import os
    profile = t.tmp / f"profile-{name}"
    env = dict(os.environ, HOME=str(t.tmp), LANGUAGE=lang.replace("-", "_"),
               LANG=lang.replace("-", "_") + ".UTF-8")
    proc = t.start(name, chromium_argv(t.env.chromium, profile, lang), env)
    match = proc.wait_stderr(r"DevTools listening on (ws://\S+)", timeout=90)
    return proc, match.group(1)


class Browser:
    """One DevTools connection; commands are answered by id."""

    def __init__(self, ws):
        self.ws = ws
        self.ids = itertools.count(1)
        self.pending = {}
        self.reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def connect(cls, address):
        ws = await websockets.connect(address, max_size=64 * 1024 * 1024, ping_interval=None)
        return cls(ws)

    async def _read(self):
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                future = self.pending.pop(message.get("id"), None)
                if future is not None and not future.done():
                    future.set_result(message)
        except websockets.ConnectionClosed:
            pass
        for future in self.pending.values():
            if not future.done():
                future.set_exception(Failure("the DevTools connection closed"))

    async def send(self, method, params=None, session=None, timeout=60):
        number = next(self.ids)
        future = asyncio.get_running_loop().create_future()
        self.pending[number] = future
        command = {"id": number, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = session
        await self.ws.send(json.dumps(command))
        try:
            message = await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise Failure(f"DevTools gave no answer to {method} within {timeout} s") from None
        if "error" in message:
            raise Failure(f"DevTools {method}: {message['error']}")
        return message.get("result", {})

    async def new_page(self, url):
        target = await self.send("Target.createTarget", {"url": "about:blank"})
        attached = await self.send("Target.attachToTarget",
                                   {"targetId": target["targetId"], "flatten": True})
        page = Page(self, attached["sessionId"], target["targetId"])
        await page.send("Page.enable")
        await page.send("Runtime.enable")
        await page.goto(url)
        return page

    async def close(self):
        self.reader.cancel()
        await self.ws.close()


class Page:
    def __init__(self, browser, session, target):
        self.browser = browser
        self.session = session
        self.target = target

    async def send(self, method, params=None, timeout=60):
        return await self.browser.send(method, params, self.session, timeout)

    async def goto(self, url):
        await self.send("Page.navigate", {"url": url})
        await self.wait("document.readyState === 'complete' && !!document.getElementById('state')",
                        "the page to load", timeout=60)

    async def eval(self, expression):
        result = await self.send("Runtime.evaluate", {
            "expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise Failure(f"the page threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait(self, expression, what, timeout=TIMEOUT):
        """Polls expression until it is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = await self.eval(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise Failure(f"the page did not show {what} within {timeout} s "
                              f"(state: {await self.eval(STATE_JS)!r})")
            await asyncio.sleep(0.1)

    async def screenshot(self, path, width, height, mobile=False):
        await self.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 2 if mobile else 1,
            "mobile": mobile})
        await asyncio.sleep(0.3)
        shot = await self.send("Page.captureScreenshot", {"format": "png"})
        path.write_bytes(base64.b64decode(shot["data"]))
        await self.send("Emulation.clearDeviceMetricsOverride")


STATE_JS = ("({state: document.getElementById('state').dataset.state, "
            "status: document.getElementById('state').textContent, "
            "error: document.getElementById('join-error').textContent})")
