"""Citations as links to the policy (channels/citations.py), as Teams shows them."""

from __future__ import annotations

import pytest

from channels.citations import link_citations, with_policy_links

URL = "https://intranet.example/policy"


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        (
            "Source: Paragraph 23 of the Social Media Policy.",
            f'Source: <a href="{URL}#para-23">Paragraph 23</a> of the Social Media Policy.',
        ),
        (
            "Source: Paragraphs 22 and 23 of the Social Media Policy.",
            f'Source: Paragraphs <a href="{URL}#para-22">22</a> and '
            f'<a href="{URL}#para-23">23</a> of the Social Media Policy.',
        ),
        (
            "Paragraphs 26, 27 and 29",
            f'Paragraphs <a href="{URL}#para-26">26</a>, <a href="{URL}#para-27">27</a> and '
            f'<a href="{URL}#para-29">29</a>',
        ),
        (
            "That was paragraphs 22 and 23 (Personal Use) and 33 (Safeguarding).",
            f'That was paragraphs <a href="{URL}#para-22">22</a> and '
            f'<a href="{URL}#para-23">23</a> (Personal Use) and '
            f'<a href="{URL}#para-33">33</a> (Safeguarding).',
        ),
        ("Nothing cited here; 23 is just a number.", "Nothing cited here; 23 is just a number."),
    ],
)
def test_each_cited_paragraph_links_to_its_anchor(text, linked):
    assert link_citations(text, URL) == linked


def test_the_configured_url_is_used_and_escaped_in_the_link(tmp_path, monkeypatch):
    links = tmp_path / "links.yml"
    links.write_text('policy_url: "https://intranet.example/policy?a=1&b=2"\n')
    monkeypatch.setenv("SMP_LINKS_FILE", str(links))
    assert with_policy_links("Paragraph 5") == (
        '<a href="https://intranet.example/policy?a=1&amp;b=2#para-5">Paragraph 5</a>'
    )


@pytest.mark.parametrize("content", [None, 'policy_url: ""\n'])
def test_without_a_configured_url_citations_stay_plain_text(tmp_path, monkeypatch, content):
    links = tmp_path / "links.yml"
    if content is not None:
        links.write_text(content)
    monkeypatch.setenv("SMP_LINKS_FILE", str(links))
    assert with_policy_links("Source: Paragraph 23.") == "Source: Paragraph 23."
