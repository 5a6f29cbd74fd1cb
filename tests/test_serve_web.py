"""The pages scripts/serve_web.py renders: the policy with an anchor per paragraph, and the
accessibility statement with the contact HR configures."""

from __future__ import annotations

import html
import re

import pytest

from actions import contacts
from actions.follow_ups import plain
from actions.knowledge import paragraphs
from scripts.serve_web import accessibility_page, policy_page

PARAGRAPH = re.compile(r'<div id="para-(\d+)" class="policy-paragraph">(.*?)</div>')


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_policy_page_has_every_paragraph_at_its_anchor_as_text():
    shown = {
        int(number): words(html.unescape(re.sub(r"<[^>]+>", " ", block)))
        for number, block in PARAGRAPH.findall(policy_page())
    }
    expected = {
        number: words(f"{number}. " + plain(text).replace("\n- ", "\n"))
        for number, text in paragraphs().items()
    }
    assert shown == expected


def test_a_paragraphs_list_is_a_list():
    [block] = [b for n, b in PARAGRAPH.findall(policy_page()) if n == "9"]
    assert block.count("<li>") == 3 and block.startswith("<p>")


def test_policy_text_is_escaped(tmp_path):
    source = tmp_path / "paragraphs.yml"
    source.write_text(
        "paragraphs:\n- number: 1\n  section: A & B\n  text: <script>alert(1)</script>\n"
    )
    page = policy_page(source)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;</p>" in page
    assert "<h2>A &amp; B</h2>" in page


@pytest.fixture
def contacts_file(tmp_path, monkeypatch):
    path = tmp_path / "contacts.yml"
    monkeypatch.setenv("SMP_CONTACTS_FILE", str(path))
    return path


def test_the_statement_gives_the_configured_contact_for_problems(contacts_file):
    contacts_file.write_text(
        "contacts:\n  accessibility:\n    name: HR Systems <team>\n"
        "    email: hr.systems@example.org\n    phone: '020 7000 0000'\n"
    )
    page = accessibility_page()
    assert "HR Systems &lt;team&gt;" in page
    assert '<a href="mailto:hr.systems@example.org">hr.systems@example.org</a>' in page
    assert "Telephone: 020 7000 0000" in page
    assert "Contact Human Resources" not in page


def test_without_a_contact_the_statement_names_human_resources(contacts_file):
    contacts_file.write_text("contacts:\n  accessibility: {name: '', email: ''}\n")
    assert "Contact Human Resources" in accessibility_page()
    assert contacts.configured_contacts() == {}
