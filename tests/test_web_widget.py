"""The web chat page in headless Chromium, against the real Rasa and action servers.

The Rasa server gets a credentials file with the project's socket.io channel
(channels.socketio.SessionSocketIOInput, session persistence on) and accepts the page's origin
(SMP_WEB_ORIGINS, --cors); scripts/serve_web.py serves the page, Bot Framework Web Chat, the
policy and the accessibility statement on another free port. Needs /usr/bin/chromium (Debian
`chromium`), the Python `playwright` package and node_modules (axe-core); Playwright's own
browser downloads are never used.
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

from actions.knowledge import knowledge_base, paragraphs
from scripts.servers import ROOT, free_port
from tests.servers import missing, started_servers
from tests.web_page import REPLY_TIMEOUT_MS, Chat, wait_for_count

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
SCREENSHOT = ROOT / "results" / "web-chat.png"
XSS = "<img src=x onerror=alert(1)>"
CREST_QUESTION = "can I use the crest on my personal facebook?"
HELP_QUESTION = "what can you help with?"
THUMBS = ["👍 Yes", "👎 No"]
DESKTOP = {"viewport": {"width": 1000, "height": 900}}
# WCAG 1.4.10 reflow: 320 CSS pixels wide. 200% zoom of a 1280 x 1024 window: half the CSS
# pixels, each drawn twice as large.
NARROW = {"viewport": {"width": 320, "height": 640}}
ZOOM_200 = {"viewport": {"width": 640, "height": 512}, "device_scale_factor": 2}

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
    """Rasa with the socket.io channel, accepting the page's origin (SMP_WEB_ORIGINS for the
    socket, CORS for HTTP polling)."""
    workdir = tmp_path_factory.mktemp("web-servers")
    credentials = workdir / "credentials.yml"
    credentials.write_text(CREDENTIALS)
    origin = f"http://127.0.0.1:{web_port}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SMP_WEB_ORIGINS", origin)
        with started_servers(workdir, credentials=credentials, cors=origin) as running:
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


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing: apt-get install -y chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        # launch() gives the browser a fresh temporary profile (user data dir) every time.
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def chat_in(browser, web_server, rasa_with_socketio, **context_options) -> Chat:
    """A chat page in a new browser context (its own session storage)."""
    page = browser.new_context(**(context_options or DESKTOP)).new_page()
    return Chat(page, web_server, rasa_with_socketio.url)


@pytest.fixture
def chat(browser, web_server, rasa_with_socketio):
    opened = chat_in(browser, web_server, rasa_with_socketio)
    yield opened
    opened.page.context.close()


def test_the_page_allows_only_its_own_scripts(web_server):
    page = requests.get(f"{web_server}/", timeout=10)
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in page.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'none'"
    assert "<script>" not in page.text, "an inline script"
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", page.text), "an inline event handler"
    widget = requests.get(f"{web_server}/webchat.js", timeout=30)
    assert widget.ok and widget.headers["Content-Encoding"] == "gzip"
    assert "renderWebChat" in widget.text
    assert requests.get(f"{web_server}/../README.md", timeout=10).status_code == 404


def test_a_conversation_in_the_web_chat(chat, rasa_with_socketio):
    requests_seen: list[str] = []
    dialogs: list[str] = []
    console_errors: list[str] = []
    page = chat.page
    page.on("request", lambda request: requests_seen.append(request.url))
    page.on("websocket", lambda socket: requests_seen.append(socket.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "console",
        lambda message: console_errors.append(message.text) if message.type == "error" else None,
    )

    chat.goto()
    chat.open()
    # The greeting, not a fallback to an empty message.
    chat.bot_said("I answer questions")

    chat.send(CREST_QUESTION)
    chat.bot_said("Paragraph 23")
    chat.button(THUMBS[0])
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    cited = chat.bot_messages.filter(has_text=re.compile(r"Paragraphs? \d+"))
    cited_before = cited.count()
    chat.send(HELP_QUESTION)
    chat.button("Crest and logos").click()
    topic = knowledge_base().topic_for_intent("ask_crest_logo_personal")
    chat.button(topic.question).click()
    # The button's title is shown as the user's message; its payload went to Rasa.
    chat.user_messages.filter(has_text=topic.question).wait_for(timeout=REPLY_TIMEOUT_MS)
    wait_for_count(cited, cited_before + 1)

    page.reload()
    # The chat was open: it opens again with the conversation.
    chat.user_messages.filter(has_text=CREST_QUESTION).wait_for(timeout=REPLY_TIMEOUT_MS)
    assert chat.bot_messages.filter(has_text="Paragraph 23").count() >= 1
    assert chat.user_messages.filter(has_text=topic.question).count() == 1
    assert cited.count() >= cited_before + 1

    chat.send(XSS)
    chat.user_messages.filter(has_text=XSS).wait_for(timeout=REPLY_TIMEOUT_MS)
    chat.bot_said("plain text")
    assert page.locator('#smp-chat img[src="x"]').count() == 0
    assert dialogs == []

    # The first thing sent was the greeting payload, once: after the reload the server
    # confirmed the same session and the chat carried on with it.
    session_id = page.evaluate("JSON.parse(sessionStorage.getItem('smp-chat-session'))")
    events = rasa_with_socketio.tracker_events(session_id)
    user_texts = [event["text"] for event in events if event["event"] == "user"]
    assert user_texts[:2] == ["/greet", CREST_QUESTION]
    assert f"/{topic.intent}" in user_texts and topic.question not in user_texts
    assert user_texts[-1] == XSS and user_texts.count("/greet") == 1

    assert any(url.startswith(rasa_with_socketio.url) for url in requests_seen)
    outside = [url for url in requests_seen if not is_local(url)]
    assert outside == []
    assert [text for text in console_errors if "Content Security Policy" in text] == []


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob") or parts.hostname in ("127.0.0.1", "localhost")


def test_a_session_the_server_replaces_starts_a_new_conversation(chat, rasa_with_socketio):
    chat.goto()
    # An id no server issued (and too long for any): the server confirms another one.
    chat.page.evaluate(
        "sessionStorage.setItem('smp-chat-session',"
        " JSON.stringify('not-a-session' + 'x'.repeat(300)));"
        "sessionStorage.setItem('smp-chat-transcript', JSON.stringify([{type: 'message',"
        " id: 'old', timestamp: new Date().toISOString(), from: {id: 'user', role: 'user'},"
        " text: 'an old message'}]))"
    )
    chat.page.reload()
    chat.open()
    chat.bot_said("I answer questions")
    confirmed = chat.page.evaluate("JSON.parse(sessionStorage.getItem('smp-chat-session'))")
    assert not confirmed.startswith("not-a-session")
    assert chat.user_messages.filter(has_text="an old message").count() == 0
    chat.send(CREST_QUESTION)
    chat.bot_said("Paragraph 23")
    user_texts = [
        event["text"]
        for event in rasa_with_socketio.tracker_events(confirmed)
        if event["event"] == "user"
    ]
    assert user_texts == ["/greet", CREST_QUESTION]


@pytest.mark.parametrize(
    "context_options", [DESKTOP, NARROW, ZOOM_200], ids=["desktop", "320px", "zoom-200"]
)
def test_axe_finds_no_wcag_violations(browser, web_server, rasa_with_socketio, context_options):
    chat = chat_in(browser, web_server, rasa_with_socketio, **context_options)
    try:
        chat.goto()
        assert chat.axe_violations() == [], "chat closed"
        chat.open()
        chat.bot_said("I answer questions")
        assert chat.axe_violations() == [], "chat open"
        chat.send(CREST_QUESTION)
        chat.bot_said("Paragraph 23")
        chat.button(THUMBS[0])
        chat.send(HELP_QUESTION)
        chat.button("Crest and logos")
        assert chat.axe_violations() == [], "after a conversation with buttons"
        assert no_sideways_scrolling(chat.page)
    finally:
        chat.page.context.close()


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_policy_and_accessibility_pages_pass_axe(chat):
    for path in ("/policy#para-23", "/accessibility"):
        chat.page.goto(f"{chat.web_url}{path}")
        assert chat.axe_violations() == [], path


def tab_to(chat: Chat, name: str, key: str = "Tab", limit: int = 40) -> None:
    """Presses Tab (or `key`) until the element with this accessible text has the focus."""
    for _ in range(limit):
        chat.page.keyboard.press(key)
        if chat.focused() == name:
            return
    raise AssertionError(f"{key} never reached {name!r}")


def help_menu_titles() -> list[str]:
    return [area.title for area in knowledge_base().areas]


ON_FIRST_BUTTON = """() => document.activeElement.closest(".webchat__suggested-action") ===
  document.querySelector(".webchat__suggested-action")"""


def activate_by_keyboard(chat: Chat, title: str) -> None:
    """From the message box, Shift+Tab to the buttons, Home, the arrow keys to `title`, Enter;
    the focus is visible on every button on the way."""
    chat.button(title)
    for _ in range(5):
        chat.page.keyboard.press("Shift+Tab")
        if chat.page.evaluate(
            "() => !!document.activeElement.closest('.webchat__suggested-action')"
        ):
            break
    chat.page.keyboard.press("Home")
    chat.page.wait_for_function(ON_FIRST_BUTTON)
    for _ in range(chat.buttons.count()):
        assert chat.focus_shown(), f"no visible focus on {chat.focused()!r}"
        if chat.focused() == title:
            chat.page.keyboard.press("Enter")
            return
        chat.press_and_move_focus("ArrowDown")
    raise AssertionError(f"the arrow keys never reached {title!r}")


IN_MESSAGE_BOX = "() => document.activeElement.dataset.id === 'webchat-sendbox-input'"


def keyboard_send(chat: Chat, text: str) -> None:
    chat.page.wait_for_function(IN_MESSAGE_BOX)
    assert chat.focus_shown(), "no visible focus on the message box"
    chat.page.keyboard.type(text)
    chat.page.keyboard.press("Enter")


def test_keyboard_only(chat):
    chat.goto()
    tab_to(chat, "Ask about the Social Media Policy")
    assert chat.focus_shown()
    chat.page.keyboard.press("Enter")
    chat.bot_said("I answer questions")

    for title in help_menu_titles():
        keyboard_send(chat, HELP_QUESTION)
        activate_by_keyboard(chat, title)
        chat.bot_said(f"Common questions on {title.lower()}")

    answers = chat.bot_messages.filter(has_text="Paragraph 23")
    for thumb in THUMBS:
        before = answers.count()
        keyboard_send(chat, CREST_QUESTION)
        wait_for_count(answers, before + 1)
        activate_by_keyboard(chat, thumb)
        chat.user_messages.filter(has_text=thumb).last.wait_for(timeout=REPLY_TIMEOUT_MS)

    chat.page.wait_for_function(IN_MESSAGE_BOX)
    chat.page.keyboard.press("Escape")
    assert chat.panel.is_hidden()
    assert chat.focused() == "Ask about the Social Media Policy" and chat.focus_shown()


def test_at_320px_the_focus_stays_in_the_open_chat_and_returns_to_the_launcher(
    browser, web_server, rasa_with_socketio
):
    chat = chat_in(browser, web_server, rasa_with_socketio, **NARROW)
    try:
        chat.goto()
        tab_to(chat, "Ask about the Social Media Policy")
        chat.page.keyboard.press("Enter")
        chat.bot_said("I answer questions")
        for _ in range(12):
            chat.page.keyboard.press("Tab")
            assert chat.page.evaluate(
                "() => document.activeElement === document.body ||"
                " !!document.activeElement.closest('#smp-chat')"
            ), f"the focus went behind the chat: {chat.focused()!r}"
        chat.page.locator("#smp-chat-close").focus()
        chat.page.keyboard.press("Enter")
        assert chat.panel.is_hidden()
        assert chat.focused() == "Ask about the Social Media Policy" and chat.focus_shown()
        tab_to(chat, "Accessibility statement")
    finally:
        chat.page.context.close()


# Records what enters the role=log live region (Web Chat removes each entry after a second).
RECORD_ANNOUNCEMENTS = """() => {
  window.announced = [];
  const region = document.querySelector(".webchat__live-region-transcript[role='log']");
  new MutationObserver((records) => records.forEach((record) =>
    record.addedNodes.forEach((node) => window.announced.push(node.textContent))
  )).observe(region, { childList: true, subtree: true });
}"""


def test_a_new_bot_message_enters_the_live_region(chat):
    chat.goto()
    chat.open()
    chat.bot_said("I answer questions")
    assert chat.live_region.get_attribute("aria-live") == "polite"
    chat.page.evaluate(RECORD_ANNOUNCEMENTS)
    chat.send(CREST_QUESTION)
    answer = chat.bot_said("Paragraph 23").inner_text()
    chat.page.wait_for_function(
        "() => window.announced.some((text) => text.includes('Paragraph 23'))",
        timeout=REPLY_TIMEOUT_MS,
    )
    announced = chat.page.evaluate("window.announced")
    first_line = answer.strip().split("\n")[0]
    assert any(text.startswith("Bot said") and first_line in text for text in announced)


def test_a_citation_opens_the_policy_at_the_paragraph(chat):
    chat.goto()
    chat.open()
    chat.send(CREST_QUESTION)
    answer = chat.bot_said("Paragraph 23")
    link = answer.get_by_role("link", name=re.compile("^Paragraph 23"))
    with chat.page.context.expect_page() as opened:
        link.click()
    policy = opened.value
    policy.wait_for_load_state()
    assert urlsplit(policy.url).path == "/policy" and urlsplit(policy.url).fragment == "para-23"
    target = policy.locator(":target")
    assert target.get_attribute("id") == "para-23"
    assert paragraphs()[23] in target.inner_text()
    highlight = target.evaluate("element => getComputedStyle(element).backgroundColor")
    other = policy.locator("#para-22").evaluate(
        "element => getComputedStyle(element).backgroundColor"
    )
    assert highlight != other
    assert target.evaluate(
        "element => { const box = element.getBoundingClientRect();"
        " return box.top >= 0 && box.top < window.innerHeight; }"
    )


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("Source: Paragraph 23 of the Social Media Policy.", {"Paragraph 23": "para-23"}),
        (
            "Source: Paragraphs 22 and 23 of the Social Media Policy.",
            {"Paragraph 22": "para-22", "Paragraph 23": "para-23"},
        ),
        (
            "It is in paragraphs 26, 27 and 29 (Recruitment).",
            {"Paragraph 26": "para-26", "Paragraph 27": "para-27", "Paragraph 29": "para-29"},
        ),
    ],
)
def test_bot_citations_become_named_links(chat, text, links):
    shown = render_bot_text(chat, text)
    assert shown["text"] == text
    assert shown["links"] == {
        f"{name}, opens in a new tab": f"{chat.web_url}/policy#{anchor}"
        for name, anchor in links.items()
    }


def test_bot_text_is_shown_as_text_with_its_line_breaks(chat):
    text = "1. Tell the DSL <b>now</b> & *don't* wait.\n2. See [this](/x) ![i](x) {.a}"
    shown = render_bot_text(chat, text)
    assert shown["paragraphs"] == [
        "Tell the DSL <b>now</b> & *don't* wait.",
        "See [this](/x) ![i](x) {.a}",
    ]
    assert shown["links"] == {} and shown["elements"] == ["OL", "LI", "P", "LI", "P"]


def render_bot_text(chat: Chat, text: str) -> dict:
    """The bot's text as Web Chat shows it: the text, each paragraph, the links (by accessible
    name) and the elements made, through the adapter's Markdown and Web Chat's renderer."""
    chat.goto()
    chat.open()
    return chat.page.evaluate(
        """(text) => {
          const markdown = window.RasaDirectLine.botMarkdown(text, location.origin + "/policy");
          const html = window.WebChat.renderMarkdown(
            markdown, { markdownRespectCRLF: true, markdownRenderHTML: false }, {}
          );
          const shown = new DOMParser().parseFromString(html, "text/html").body;
          const links = {};
          shown.querySelectorAll("a").forEach((link) => {
            links[link.getAttribute("aria-label")] = link.href;
          });
          return {
            text: Array.from(shown.children, (element) => element.textContent)
              .join("\\n")
              .replace(/\\u200b/g, ""),
            paragraphs: Array.from(shown.querySelectorAll("p"), (p) => p.textContent),
            links: links,
            elements: Array.from(shown.querySelectorAll("*"), (element) => element.tagName),
          };
        }""",
        text,
    )
