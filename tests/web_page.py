"""The web chat page as a person uses it, for the browser tests: Bot Framework Web Chat's
elements, axe-core injected without touching the page's Content-Security-Policy, and the
visible focus read from computed styles."""

from __future__ import annotations

import time
from dataclasses import dataclass

from playwright.sync_api import TimeoutError

from scripts.servers import ROOT

REPLY_TIMEOUT_MS = 60_000
FOCUS_DRAWN_MS = 1_000
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, { runOnly: { type: "tag", values: tags } });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    nodes: violation.nodes.map((node) => node.target.join(" ")),
  }));
}"""

# Whether the focused element shows where the focus is: an outline or box shadow of its own or
# of a pseudo-element, an outline on one of its two nearest ancestors (`:focus-within`), or one
# of Web Chat's keyboard focus indicators inside it, drawn with a border.
FOCUS_SHOWN = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return false;
  const outlined = (style) => style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const own = [null, "::before", "::after"].some((pseudo) => {
    const style = getComputedStyle(element, pseudo);
    return outlined(style) || style.boxShadow !== "none";
  });
  const ancestors = [element.parentElement, element.parentElement?.parentElement];
  const within = ancestors.some((ancestor) => ancestor && outlined(getComputedStyle(ancestor)));
  const indicators = Array.from(element.querySelectorAll("[class*='focus-indicator']"));
  const indicated = indicators.some((indicator) => {
    const style = getComputedStyle(indicator);
    return style.display !== "none" && style.visibility !== "hidden" &&
      style.borderTopStyle !== "none" && parseFloat(style.borderTopWidth) > 0;
  });
  return own || within || indicated;
}"""


@dataclass
class Chat:
    """The page with the chat, at web_url, talking to the Rasa server at rasa_url."""

    page: object
    web_url: str
    rasa_url: str

    def __post_init__(self) -> None:
        page = self.page
        self.launcher = page.locator("#smp-launcher")
        self.panel = page.locator("#smp-chat")
        self.box = page.locator("[data-id='webchat-sendbox-input']")
        self.user_messages = page.locator(".webchat__bubble--from-user")
        self.bot_messages = page.locator(".webchat__bubble:not(.webchat__bubble--from-user)")
        self.buttons = page.locator(".webchat__suggested-action")
        self.live_region = page.locator(".webchat__live-region-transcript[role='log']")

    def goto(self) -> None:
        self.page.goto(f"{self.web_url}/?server={self.rasa_url}")

    def open(self) -> None:
        self.launcher.click()
        self.box.wait_for(timeout=REPLY_TIMEOUT_MS)

    def send(self, text: str) -> None:
        self.box.fill(text)
        self.box.press("Enter")

    def bot_said(self, text: str):
        """The latest bot message containing `text`, once it is shown."""
        message = self.bot_messages.filter(has_text=text).last
        message.wait_for(timeout=REPLY_TIMEOUT_MS)
        return message

    def button(self, title: str):
        """The suggested action with this title, once it is shown."""
        button = self.buttons.filter(has_text=title).last
        button.wait_for(timeout=REPLY_TIMEOUT_MS)
        return button

    def axe_violations(self) -> list[dict]:
        if not self.page.evaluate("typeof axe !== 'undefined'"):
            self.page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
        return self.page.evaluate(RUN_AXE, WCAG_TAGS)

    def focus_shown(self) -> bool:
        """Whether the focus is visible, waiting up to a second for the browser to draw it
        (Web Chat moves the focus and its indicator in its next render)."""
        try:
            self.page.wait_for_function(FOCUS_SHOWN, timeout=FOCUS_DRAWN_MS)
        except TimeoutError:
            return False
        return True

    def press_and_move_focus(self, key: str) -> None:
        """Presses `key` and waits until the focus has left the element that had it."""
        self.page.evaluate("() => { window.focusedBefore = document.activeElement; }")
        self.page.keyboard.press(key)
        self.page.wait_for_function(
            "() => document.activeElement !== window.focusedBefore", timeout=FOCUS_DRAWN_MS
        )

    def focused(self) -> str:
        """The focused element's accessible text: its aria-label, or else its text."""
        return self.page.evaluate(
            "() => document.activeElement.getAttribute('aria-label') || "
            "document.activeElement.textContent.trim()"
        )


def wait_for_count(locator, at_least: int) -> None:
    deadline = time.monotonic() + REPLY_TIMEOUT_MS / 1000
    while locator.count() < at_least:
        if time.monotonic() > deadline:
            raise AssertionError(f"fewer than {at_least} of {locator}")
        locator.page.wait_for_timeout(200)
