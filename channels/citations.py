"""Citations as links to the policy: "Paragraph 23" -> <a href="POLICY_URL#para-23">.

The policy URL is HR's `policy_url` in config/links.yml (or the file SMP_LINKS_FILE names). Used
by the Teams channel on its XML text; with no URL configured the text stays as it is. The web
chat links citations itself (web/rasa-directline.js), to the web server's /policy page.
"""

from __future__ import annotations

import html
import os
import re
from functools import cache
from pathlib import Path

import yaml

DEFAULT_LINKS_FILE = Path(__file__).resolve().parent.parent / "config" / "links.yml"

# "Paragraph 23", "Paragraphs 22 and 23", "Paragraphs 26, 27 and 29",
# "paragraphs 22 and 23 (Personal Use) and 33 (Safeguarding)".
NUMBER = r"\d+(?: \([^()]*\))?"
CITATION = re.compile(rf"\b(Paragraphs?) ({NUMBER}(?:(?:, | and ){NUMBER})*)", re.IGNORECASE)
NUMBER_OR_SECTION = re.compile(r"(\([^()]*\))|(\d+)")


def links_file() -> Path:
    return Path(os.environ.get("SMP_LINKS_FILE", DEFAULT_LINKS_FILE))


@cache
def load_policy_url(path: Path) -> str:
    """The configured policy URL, or "" when the file or the setting is missing or empty."""
    if not path.exists():
        return ""
    settings = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return str(settings.get("policy_url") or "").strip()


def paragraph_link(policy_url: str, number: str, text: str) -> str:
    href = html.escape(f"{policy_url}#para-{number}")
    return f'<a href="{href}">{text}</a>'


def link_citations(xml_text: str, policy_url: str) -> str:
    """The text with each cited paragraph linked; "Paragraph 23" is linked whole, and in
    "Paragraphs 22 and 23" each number."""

    def link(citation: re.Match) -> str:
        word, numbers = citation.groups()
        if numbers.isdigit():
            return paragraph_link(policy_url, numbers, f"{word} {numbers}")
        linked = NUMBER_OR_SECTION.sub(
            lambda part: part.group(1) or paragraph_link(policy_url, part.group(2), part.group(2)),
            numbers,
        )
        return f"{word} {linked}"

    return CITATION.sub(link, xml_text)


def with_policy_links(xml_text: str) -> str:
    """Teams XML text with citations linked to the configured policy URL, if there is one."""
    policy_url = load_policy_url(links_file())
    return link_citations(xml_text, policy_url) if policy_url else xml_text
