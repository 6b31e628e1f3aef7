#!/usr/bin/python3
# test_class_page.py: the relay's class page in headless Chromium
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `duplex serve` serves its class page at /; headless Chromium opens it in
# many tabs, driven over the DevTools protocol (cdp.py): students join with
# a nickname, send, and every tab's DOM is read back. Raw clients (`duplex
# consume`, `duplex produce`) run beside the pages on the same relay and
# must see exactly the bytes that were sent.
#
# With DUPLEX_SCREENSHOT_DIR set, the page is saved there at desktop and
# phone width (class-page.png, class-page-phone.png, class-page-ru.png).
#
# Prints TAP. Needs Debian's chromium. Run by meson (suite interop), or by
# hand:
#   DUPLEX=build/src/duplex /usr/bin/python3 tests/interop/test_class_page.py --chromium /usr/bin/chromium

import asyncio
import json
import os
import sys
import urllib.parse
from pathlib import Path

import harness
from cdp import Browser, start_chromium
from harness import ALL_BYTES, TEXT, case, decode_json_line

STUDENTS = 30
HOSTILE = ('<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
           '<b onmouseover="window.pwned=3">bold?</b> & &amp; </li></ol>')

MESSAGES_JS = """[...document.querySelectorAll('#messages .msg')].map(li => ({
  who: li.querySelector('.who').textContent,
  when: li.querySelector('.when').textContent,
  text: li.querySelector('.text') ? li.querySelector('.text').textContent : null,
  hex: li.querySelector('.hex') ? li.querySelector('.hex').textContent : null,
  mine: li.classList.contains('mine')}))"""


def page_url(relay_url, **query):
    http = relay_url.replace("ws://", "http://", 1)
    return http + ("?" + urllib.parse.urlencode(query) if query else "")


def screenshot_dir():
    value = os.environ.get("DUPLEX_SCREENSHOT_DIR")
    return Path(value) if value else None


def run(t, coroutine):
    asyncio.run(asyncio.wait_for(coroutine, 600))


async def join(page, name=None, code=None):
    """Fills the form as a student would and presses Join."""
    script = ""
    if name is not None:
        script += f"document.getElementById('nick').value = {json.dumps(name)};"
    if code is not None:
        script += f"document.getElementById('code').value = {json.dumps(code)};"
    script += "document.getElementById('join').click(); true"
    await page.eval(script)


async def send(page, text):
    await page.eval(f"document.getElementById('text').value = {json.dumps(text)};"
                    "document.getElementById('send').click(); true")


async def wait_online(page):
    await page.wait("document.getElementById('state').dataset.state === 'online' && "
                    "!document.getElementById('me').textContent.endsWith(': ')",
                    "the connected state", timeout=60)


async def wait_messages(page, count, timeout=60):
    await page.wait(f"document.querySelectorAll('#messages .msg').length >= {count}",
                    f"{count} messages", timeout)
    return await page.eval(MESSAGES_JS)


@case(f"{STUDENTS} class pages join duplex serve, one sends, and all {STUDENTS} show it with "
      "the sender's nickname; duplex consume prints exactly the bytes sent")
def _(t):
    relay, url = t.relay()
    extra = ["Here is my answer: 42", "Mine is 41 — close!"] if screenshot_dir() else []
    consumer = t.duplex("duplex consume", "consume", url, "--json", "--count", str(2 + len(extra)))
    t.wait_clients(relay, 1)
    _, devtools = start_chromium(t)

    async def scenario():
        browser = await Browser.connect(devtools)
        pages = []
        for i in range(STUDENTS):
            page = await browser.new_page(page_url(url))
            await join(page, f"Student {i:02d}")
            pages.append(page)
        for page in pages:
            await wait_online(page)
        t.wait_clients(relay, STUDENTS + 1, timeout=60)
        relay.wait_stderr(r"“Student 29” connected \(Mozilla/5\.0 ")

        count = await pages[0].eval("document.getElementById('count').textContent")
        t.equal(count, f"{STUDENTS + 1} people here", "the live count on the first page")

        await send(pages[7], TEXT)
        for number, page in enumerate(pages):
            shown = await wait_messages(page, 1)
            t.equal(len(shown), 1, f"one message on page {number}")
            t.equal((shown[0]["who"], shown[0]["text"]), ("Student 07", TEXT),
                    f"sender and text on page {number}")
            t.check(len(shown[0]["when"]) == 8 and shown[0]["when"][2] == ":",
                    f"a time on page {number}", shown[0]["when"])
            t.equal(shown[0]["mine"], number == 7, f"page {number} marks only its own message")

        directory = screenshot_dir()
        if directory:
            await send(pages[3], extra[0])
            await wait_messages(pages[7], 2)
            await send(pages[7], extra[1])
            await wait_messages(pages[7], 3)
            await pages[7].screenshot(directory / "class-page.png", 1280, 800)
            await pages[7].screenshot(directory / "class-page-phone.png", 390, 844, mobile=True)
        before = len(await wait_messages(pages[0], 1 + len(extra)))

        # A raw client's binary message shows as hex on the pages.
        t.finish(t.duplex("duplex produce", "produce", url, "--no-wait",
                          "--binary-file", t.write_file("bytes", ALL_BYTES)))
        shown = await wait_messages(pages[0], before + 1)
        # The page shows the first 512 bytes and counts the rest.
        t.equal(shown[before]["hex"], " ".join(f"{b:02x}" for b in ALL_BYTES[:512]) +
                f" … and {len(ALL_BYTES) - 512} more bytes", "the binary message as hex")

        await browser.close()

    run(t, scenario())
    t.finish(consumer)
    t.equal([decode_json_line(line) for line in consumer.stdout],
            [("text", TEXT)] + [("text", text) for text in extra] + [("binary", ALL_BYTES)],
            "duplex consume got the page's text and the binary message unchanged, no envelope")


@case("a message holding HTML and script shows as text on every page and runs nothing")
def _(t):
    relay, url = t.relay()
    _, devtools = start_chromium(t)

    async def scenario():
        browser = await Browser.connect(devtools)
        pages = []
        for i in range(3):
            page = await browser.new_page(page_url(url))
            await join(page, f'<i onclick="x">Mallory {i}</i>')
            pages.append(page)
        for page in pages:
            await wait_online(page)
        await send(pages[0], HOSTILE)
        t.finish(t.duplex("duplex produce", "produce", url, "--no-wait", HOSTILE))
        for number, page in enumerate(pages):
            shown = await wait_messages(page, 2)
            t.equal([m["text"] for m in shown], [HOSTILE, HOSTILE], f"the text on page {number}")
            t.equal(shown[0]["who"], '<i onclick="x">Mallory 0</i>',
                    f"the nickname as text on page {number}")
            inside = await page.eval(
                "document.querySelectorAll('#messages img, #messages script, #messages b, "
                "#messages i, .me i').length")
            t.equal(inside, 0, f"no element made from a message on page {number}")
            pwned = await page.eval("typeof window.pwned")
            t.equal(pwned, "undefined", f"nothing ran on page {number}")
        await browser.close()

    run(t, scenario())


@case("with duplex serve --class-code, a page without the code is refused and says so, "
      "and joins once it is typed")
def _(t):
    relay, url = t.relay("--class-code", "Fox42")
    _, devtools = start_chromium(t)

    async def scenario():
        browser = await Browser.connect(devtools)
        page = await browser.new_page(page_url(url))
        await page.wait("!document.getElementById('code-row').hidden",
                        "the class code field")
        await join(page, "Anna")
        await page.wait("document.getElementById('state').dataset.state === 'refused'",
                        "the refusal")
        error = await page.eval("document.getElementById('join-error').textContent")
        t.equal(error, "This class needs its class code: ask the teacher.", "what the page says")
        t.check(not any("connected (" in line for line in relay.stderr),
                "the relay took no client", relay.stderr)

        await join(page, "Anna", "fox41")
        await page.wait("document.getElementById('state').dataset.state === 'refused'",
                        "the refusal of a wrong code")
        await join(page, "Anna", " fox42 ")
        await wait_online(page)
        t.wait_clients(relay, 1)

        # The code from the join address (the QR code's) fills the field.
        second = await browser.new_page(page_url(url, code="Fox42"))
        await join(second, "Boris")
        await wait_online(second)
        t.wait_clients(relay, 2)
        await browser.close()

    run(t, scenario())
    refused = t.finish(t.duplex("duplex consume", "consume", url, "--count", "1"), 1)
    t.check(any("403" in line for line in refused.stderr),
            "duplex consume without the code reports HTTP 403", refused.stderr)


@case("under a Russian browser locale the class page is in Russian")
def _(t):
    relay, url = t.relay()
    _, devtools = start_chromium(t, lang="ru-RU", name="chromium-ru")

    async def scenario():
        browser = await Browser.connect(devtools)
        page = await browser.new_page(page_url(url))
        language = await page.eval("navigator.language")
        t.check(language.startswith("ru"), "Chromium runs with a Russian locale", language)
        texts = await page.eval("({lang: document.documentElement.lang, title: document.title, "
                                "join: document.getElementById('join').textContent, "
                                "label: document.querySelector('label[for=nick]').textContent, "
                                "state: document.getElementById('state').textContent})")
        t.equal(texts, {"lang": "ru", "title": "Класс Duplex", "join": "Войти",
                        "label": "Ваше имя", "state": "Нет соединения"}, "the page's words")
        await join(page, "Анна")
        await wait_online(page)
        await send(page, "Привет!")
        await wait_messages(page, 1)
        count = await page.eval("document.getElementById('count').textContent")
        t.equal(count, "Здесь 1 человек", "the count in Russian")
        directory = screenshot_dir()
        if directory:
            await page.screenshot(directory / "class-page-ru.png", 390, 700, mobile=True)
        await browser.close()

    run(t, scenario())


@case("the class page reconnects by itself when the relay comes back on the same port")
def _(t):
    relay, url = t.relay()
    port = url.rsplit(":", 1)[1].strip("/")
    _, devtools = start_chromium(t)

    async def scenario():
        browser = await Browser.connect(devtools)
        page = await browser.new_page(page_url(url))
        await join(page, "Anna")
        await wait_online(page)
        relay.stop()
        await page.wait("document.getElementById('state').dataset.state === 'connecting'",
                        "that it is reconnecting")
        again = t.duplex("duplex serve again", "serve", "--port", port)
        t.server(again)
        await wait_online(page)
        t.wait_clients(again, 1)
        await browser.close()

    run(t, scenario())


if __name__ == "__main__":
    sys.exit(harness.run_cases(require=["chromium", "websockets"]))
