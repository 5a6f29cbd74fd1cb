"""The web chat page in headless Chromium, against the real Rasa and action servers.

The Rasa server gets a credentials file with the project's socket.io channel
(channels.socketio.SessionSocketIOInput, session persistence on); scripts/serve_web.py serves
the page and the widget on another free port. Needs /usr/bin/chromium (Debian `chromium`) and
the Python `playwright` package; Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from actions.knowledge import knowledge_base
from tests.servers import ROOT, free_port, missing, started_servers

pytestmark = [pytest.mark.servers, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = ROOT / "results" / "web-widget.png"
REPLY_TIMEOUT_MS = 60_000
XSS = "<img src=x onerror=alert(1)>"

CREDENTIALS = """\
rest:
channels.socketio.SessionSocketIOInput:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
"""


@pytest.fixture(scope="module")
def web_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def rasa_with_socketio(web_port, tmp_path_factory):
    """Rasa with the socket.io channel, answering the page's origin (CORS for XHR polling)."""
    workdir = tmp_path_factory.mktemp("web-servers")
    credentials = workdir / "credentials.yml"
    credentials.write_text(CREDENTIALS)
    cors = f"http://127.0.0.1:{web_port}"
    with started_servers(workdir, credentials=credentials, cors=cors) as running:
        yield running


@pytest.fixture(scope="module")
def web_server(web_port, rasa_with_socketio, tmp_path_factory):
    """scripts/serve_web.py on 127.0.0.1:web_port, allowing the page to reach that Rasa server."""
    log = tmp_path_factory.mktemp("web") / "serve_web.log"
    with log.open("ab") as handle:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scripts.serve_web",
                "--port",
                str(web_port),
                "--rasa-url",
                rasa_with_socketio.url,
            ],
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{web_port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"serve_web exited early:\n{log.read_text(errors='replace')}")
            try:
                if requests.get(f"{url}/", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"serve_web not ready:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def page():
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing: apt-get install -y chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        # launch() gives the browser a fresh temporary profile (user data dir) every time.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1000, "height": 900})
            yield context.new_page()
        finally:
            browser.close()


def test_the_served_widget_has_no_remote_font_import(web_server):
    widget = requests.get(f"{web_server}/webchat.js", timeout=10)
    assert widget.ok and "WebChat" in widget.text
    assert "fonts.googleapis.com" not in widget.text and "@import url(http" not in widget.text
    page = requests.get(f"{web_server}/", timeout=10)
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in page.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"].startswith("'self' 'sha256-")
    assert "unsafe" not in policy["script-src"] and policy["default-src"] == "'none'"
    assert requests.get(f"{web_server}/../README.md", timeout=10).status_code == 404


def click_reply(page, title: str) -> None:
    """Clicks the reply button (a quick reply under the latest message) with this title."""
    button = page.locator(".rw-replies .rw-reply", has_text=title).last
    button.wait_for(timeout=REPLY_TIMEOUT_MS)
    button.click()


def test_a_conversation_in_the_web_widget(page, web_server, rasa_with_socketio):
    requests_seen: list[str] = []
    dialogs: list[str] = []
    console_errors: list[str] = []
    page.on("request", lambda request: requests_seen.append(request.url))
    page.on("websocket", lambda socket: requests_seen.append(socket.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "console",
        lambda message: console_errors.append(message.text) if message.type == "error" else None,
    )

    responses = page.locator(".rw-response")
    page.goto(f"{web_server}/?server={rasa_with_socketio.url}")
    # initPayload "/greet": the greeting, not a fallback to an empty message.
    open_chat_until(page, responses.filter(has_text="I answer questions").first)

    send(page, "can I use the crest on my personal facebook?")
    responses.filter(has_text="Paragraph 23").first.wait_for(timeout=REPLY_TIMEOUT_MS)

    cited = responses.filter(has_text=re.compile(r"Paragraphs? \d+"))
    cited_before = cited.count()
    send(page, "what can you help with?")
    click_reply(page, "Crest and logos")
    example = knowledge_base().topic_for_intent("ask_crest_logo_personal").question
    click_reply(page, example)
    page.locator(".rw-client").filter(has_text=example).wait_for(timeout=REPLY_TIMEOUT_MS)
    wait_for_count(cited, cited_before + 1)

    page.reload()
    client = page.locator(".rw-client")
    open_chat_until(page, client.filter(has_text="can I use the crest on my personal facebook?"))
    assert responses.filter(has_text="Paragraph 23").count() >= 1
    assert client.filter(has_text=example).count() == 1
    assert cited.count() >= cited_before + 1

    send(page, XSS)
    client.filter(has_text=XSS).wait_for(timeout=REPLY_TIMEOUT_MS)
    responses.filter(has_text="plain text").first.wait_for(timeout=REPLY_TIMEOUT_MS)
    assert page.locator('.rw-conversation-container img[src="x"]').count() == 0
    assert dialogs == []

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # The first thing the widget sent was the init payload, once: after the reload the server
    # confirmed the same session and the widget carried on with it.
    session_id = page.evaluate("JSON.parse(sessionStorage.getItem('chat_session')).session_id")
    events = rasa_with_socketio.tracker_events(session_id)
    user_texts = [event["text"] for event in events if event["event"] == "user"]
    assert user_texts[:2] == ["/greet", "can I use the crest on my personal facebook?"]
    assert user_texts[-1] == XSS and user_texts.count("/greet") == 1

    assert any(url.startswith(rasa_with_socketio.url) for url in requests_seen)
    outside = [url for url in requests_seen if not is_local(url)]
    assert outside == []
    assert [text for text in console_errors if "Content Security Policy" in text] == []


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob") or parts.hostname in ("127.0.0.1", "localhost")


def open_chat_until(page, shown) -> None:
    """Opens the chat window until `shown` is visible in it.

    The widget restores its state from session storage once the socket is connected, and that
    may close a window opened before then: open it again if so.
    """
    deadline = time.monotonic() + REPLY_TIMEOUT_MS / 1000
    while not shown.is_visible():
        if time.monotonic() > deadline:
            raise AssertionError(f"not shown in the chat window: {shown}")
        if not page.locator(".rw-conversation-container").is_visible():
            page.locator(".rw-launcher").click()
        page.wait_for_timeout(500)


def send(page, text: str) -> None:
    box = page.locator(".rw-new-message")
    box.fill(text)
    box.press("Enter")


def wait_for_count(locator, at_least: int) -> None:
    deadline = time.monotonic() + REPLY_TIMEOUT_MS / 1000
    while locator.count() < at_least:
        if time.monotonic() > deadline:
            raise AssertionError(f"fewer than {at_least} of {locator}")
        locator.page.wait_for_timeout(200)
