"""The Microsoft Teams channel (channels/teams.py), with Microsoft played by a local fake.

Without servers: the token validator, mention stripping, replies at the fake Bot Connector and
the Teams app package. With the real Rasa server and action server (`servers` marker): Teams
conversations end to end, and forged requests refused before they reach the assistant.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
import zipfile
from pathlib import Path

import pytest
from botbuilder.schema import (
    ChannelAccount,
    Mention,
)
from PIL import Image

import channels.teams as teams_module
from channels.teams import HERO_CARD, TeamsInput, TeamsOutput, clean_text
from scripts import teams_package
from scripts.servers import ROOT
from tests.fuzz import fuzz_teams
from tests.servers import started_servers
from tests.teams_fake import (
    APP_ID,
    APP_PASSWORD,
    TENANT_ID,
    FakeMicrosoft,
    LocalTeamsInput,
    new_rsa_key,
)
from tests.teams_requests import (
    ALL_FORGED,
    BOT_MENTION,
    FORGED,
    TeamsServers,
    activity,
    bearer,
    channel_for,
    output_for,
    receive,
    reply_text,
)

# The credentials.yml entry docs/teams.md gives.
CREDENTIALS_ENTRY = "rest:\nchannels.teams.TeamsInput:\n"


@pytest.fixture(autouse=True)
def no_teams_settings(monkeypatch, tmp_path):
    """Tests configure the channel themselves, whatever the developer's environment and HR's
    config/links.yml hold."""
    for name in ("TEAMS_APP_ID", "TEAMS_APP_PASSWORD", "TEAMS_TENANT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMP_LINKS_FILE", str(tmp_path / "no-links.yml"))


@pytest.fixture(scope="module")
def fake():
    with FakeMicrosoft() as running:
        yield running


# -- start-up and configuration ---------------------------------------------------------------


def test_credentials_entry_starts_offline_with_settings_from_the_environment(tmp_path, monkeypatch):
    from rasa.core.run import create_http_input_channels

    monkeypatch.setattr(TeamsInput, "openid_configuration_url", "http://127.0.0.1:9/openid")
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)
    monkeypatch.setenv("TEAMS_APP_PASSWORD", APP_PASSWORD)
    monkeypatch.setenv("TEAMS_TENANT_ID", TENANT_ID)
    credentials = tmp_path / "credentials.yml"
    credentials.write_text(CREDENTIALS_ENTRY)

    created = create_http_input_channels(None, str(credentials))

    teams = [channel for channel in created if isinstance(channel, TeamsInput)]
    assert len(teams) == 1
    assert (teams[0].app_id, teams[0].app_password, teams[0].tenant_id) == (
        APP_ID,
        APP_PASSWORD,
        TENANT_ID,
    )
    assert teams[0].url_prefix() == "teams"
    assert teams[0].token_url().endswith(f"/{TENANT_ID}/oauth2/v2.0/token")


def test_without_app_id_the_server_starts_and_refuses_everything(fake):
    channel = LocalTeamsInput.from_credentials({"fake_microsoft": fake.url})
    status, collector = receive(channel, bearer(fake.token()), activity(fake, "hello"))
    assert status == 401 and collector.messages == []


def test_keys_are_fetched_at_the_first_request_and_cached(fake, monkeypatch):
    openid_before = fake.hits("/openid")
    channel = channel_for(fake)
    assert fake.hits("/openid") == openid_before

    for _ in range(3):
        status, collector = receive(channel, bearer(fake.token()), activity(fake, "hello"))
        assert status == 200 and len(collector.messages) == 1
    assert fake.hits("/openid") == openid_before + 1

    monkeypatch.setattr(teams_module, "KEY_REFRESH_SECONDS", 0)
    receive(channel, bearer(fake.token()), activity(fake, "hello"))
    assert fake.hits("/openid") == openid_before + 2


def test_a_rotated_key_is_picked_up_but_unknown_key_ids_cannot_force_refreshes(monkeypatch):
    with FakeMicrosoft() as fake:
        channel = channel_for(fake)
        status, _ = receive(channel, bearer(fake.token()), activity(fake, "hello"))
        assert status == 200 and fake.hits("/keys") == 1

        random_kid = fake.token(key=new_rsa_key(), key_id="made-up")
        for _ in range(3):
            status, _ = receive(channel, bearer(random_kid), activity(fake, "hello"))
            assert status == 401
        assert fake.hits("/keys") == 1

        fake.private_key, fake.key_id = new_rsa_key(), "rotated-key"
        monkeypatch.setattr(teams_module, "UNKNOWN_KEY_REFRESH_SECONDS", 0)
        status, collector = receive(channel, bearer(fake.token()), activity(fake, "hello"))
        assert status == 200 and len(collector.messages) == 1
        assert fake.hits("/keys") == 2


def test_unreachable_key_set_refuses_requests_without_crashing(fake):
    channel = channel_for(fake)
    channel.openid_configuration_url = "http://127.0.0.1:9/openid"
    status, collector = receive(channel, bearer(fake.token()), activity(fake, "hello"))
    assert status == 401 and collector.messages == []


# -- incoming tokens --------------------------------------------------------------------------


def test_a_genuine_request_reaches_the_assistant(fake):
    sent = activity(fake, "can I use the city crest on my facebook profile?")
    status, collector = receive(channel_for(fake), bearer(fake.token()), sent)
    assert status == 200
    [message] = collector.messages
    assert message.text == "can I use the city crest on my facebook profile?"
    assert message.sender_id == sent["from"]["id"]
    assert message.input_channel == "teams"
    assert isinstance(message.output_channel, TeamsOutput)


@pytest.mark.parametrize("case", list(ALL_FORGED))
def test_forged_requests_are_refused_before_the_assistant(fake, case, caplog):
    forged = ALL_FORGED[case]
    sent = {**activity(fake, "can I use the city crest on my facebook profile?"), **forged.changes}
    with caplog.at_level(logging.WARNING, logger="channels.teams"):
        status, collector = receive(channel_for(fake), forged.auth(fake), sent)
    assert status == 401
    assert forged.reason in caplog.text
    assert collector.messages == []
    assert fake.replies(sent["conversation"]["id"]) == []


@pytest.mark.parametrize(
    ("changes", "credentials", "reason"),
    [
        (
            {"channelData": {"tenant": {"id": str(uuid.uuid4())}}},
            {},
            "not from the configured tenant",
        ),
        ({"channelData": {}}, {}, "not from the configured tenant"),
        ({}, {"tenant_id": None}, "not from the configured tenant"),
        (
            {"serviceUrl": "https://smba.evil.example/"},
            {},
            "serviceUrl is not an allowed Bot Connector address",
        ),
    ],
    ids=["another tenant", "no tenant", "no tenant configured", "service URL not Microsoft's"],
)
def test_genuine_tokens_for_another_tenant_or_service_url_are_forbidden(
    fake, changes, credentials, reason, caplog
):
    sent = {**activity(fake, "can I use the city crest on my facebook profile?"), **changes}
    token = fake.token(service_url=sent["serviceUrl"])
    with caplog.at_level(logging.WARNING, logger="channels.teams"):
        status, collector = receive(channel_for(fake, **credentials), bearer(token), sent)
    assert status == 403
    assert reason in caplog.text
    assert collector.messages == []
    assert fake.replies(sent["conversation"]["id"]) == []


def test_service_urls_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("TEAMS_SERVICE_URLS", "https://smba.infra.gcc.teams.microsoft.com")
    channel = TeamsInput.from_credentials({"app_id": APP_ID, "app_password": APP_PASSWORD})
    assert channel.service_urls == ("https://smba.infra.gcc.teams.microsoft.com/",)
    monkeypatch.delenv("TEAMS_SERVICE_URLS")
    default = TeamsInput.from_credentials({"app_id": APP_ID, "app_password": APP_PASSWORD})
    assert default.service_urls == ("https://smba.trafficmanager.net/",)


def test_a_slightly_late_token_is_accepted_within_the_leeway(fake):
    token = fake.token(expires_in=-60)
    status, collector = receive(channel_for(fake), bearer(token), activity(fake, "hello"))
    assert status == 200 and len(collector.messages) == 1


def test_other_activity_types_are_authenticated_and_ignored(fake):
    update = {**activity(fake, ""), "type": "conversationUpdate"}
    status, collector = receive(channel_for(fake), bearer(fake.token()), update)
    assert status == 200 and collector.messages == []
    status, _ = receive(channel_for(fake), None, update)
    assert status == 401


# -- text -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<at>Policy Bot</at> can I friend a pupil?", "can I friend a pupil?"),
        ("<at>Policy Bot</at>&nbsp;can I friend a pupil?\n", "can I friend a pupil?"),
        (
            "can I tag <at>Jane Smith</at> in a post? <at>Policy Bot</at>",
            "can I tag Jane Smith in a post?",
        ),
        ("/ask_crest_logo_personal", "/ask_crest_logo_personal"),
        ("no mention here", "no mention here"),
    ],
)
def test_mentions_of_the_bot_are_removed(fake, text, expected):
    sent = activity(fake, text, conversation_type="channel")
    if "<at>Jane Smith</at>" in text:
        jane = ChannelAccount(id="29:jane", name="Jane Smith")
        sent["entities"].append(
            Mention(mentioned=jane, text="<at>Jane Smith</at>", type="mention").serialize()
        )
    assert clean_text(sent) == expected


def test_a_channel_message_reaches_the_assistant_without_the_mention(fake):
    sent = activity(fake, f"{BOT_MENTION} can I friend a pupil?", conversation_type="channel")
    status, collector = receive(channel_for(fake), bearer(fake.token()), sent)
    assert status == 200
    assert [m.text for m in collector.messages] == ["can I friend a pupil?"]


# -- replies ----------------------------------------------------------------------------------


def test_a_long_answer_goes_out_whole_in_one_reply_to_the_users_activity(fake):
    sent = activity(fake, "hello")
    paragraphs = [f"Part {n}: " + "Staff must follow the policy & ask HR. " * 40 for n in range(5)]
    long_answer = "\n\n".join(paragraphs) + "\nSource: Paragraph 23 of the Social Media Policy."
    asyncio.run(
        output_for(fake, sent)([lambda out: out.send_text_message(sent["from"]["id"], long_answer)])
    )

    [record] = fake.replies(sent["conversation"]["id"])
    reply = record["activity"]
    assert reply_text(reply) == long_answer
    assert reply["textFormat"] == "xml"
    assert reply["replyToId"] == sent["id"] == record["path_reply_to"]
    assert reply["recipient"]["id"] == sent["from"]["id"]
    assert reply["from"] == sent["recipient"]
    assert reply["conversation"]["id"] == sent["conversation"]["id"]


def test_citations_link_to_the_policy_url_hr_configured(fake, tmp_path, monkeypatch):
    links = tmp_path / "links.yml"
    links.write_text('policy_url: "https://intranet.example/social-media-policy"\n')
    monkeypatch.setenv("SMP_LINKS_FILE", str(links))
    sent = activity(fake, "hello")
    answer = "No.\nSource: Paragraphs 22 and 23 of the Social Media Policy."
    asyncio.run(
        output_for(fake, sent)([lambda out: out.send_text_message(sent["from"]["id"], answer)])
    )

    [record] = fake.replies(sent["conversation"]["id"])
    assert record["activity"]["text"] == (
        "No.<br>Source: Paragraphs "
        '<a href="https://intranet.example/social-media-policy#para-22">22</a> and '
        '<a href="https://intranet.example/social-media-policy#para-23">23</a>'
        " of the Social Media Policy."
    )


def test_buttons_become_a_hero_card_with_imback_actions(fake):
    sent = activity(fake, "hello")
    buttons = [
        {
            "title": "The crest and logos on personal accounts",
            "payload": "/ask_crest_logo_personal",
        },
        {"title": "None of these", "payload": "/out_of_scope"},
    ]
    asyncio.run(
        output_for(fake, sent)(
            [
                lambda out: out.send_text_with_buttons(
                    sent["from"]["id"], "Is it one of these?", buttons
                )
            ]
        )
    )

    [record] = fake.replies(sent["conversation"]["id"])
    [attachment] = record["activity"]["attachments"]
    assert attachment["contentType"] == HERO_CARD
    assert attachment["content"]["text"] == "Is it one of these?"
    assert attachment["content"]["buttons"] == [
        {"type": "imBack", "title": b["title"], "value": b["payload"]} for b in buttons
    ]


@pytest.mark.parametrize(
    ("tenant", "authority"), [(None, "botframework.com"), (TENANT_ID, TENANT_ID)]
)
def test_the_bot_token_comes_from_the_right_authority_and_is_reused(fake, tenant, authority):
    sent = activity(fake, "hello")
    before = len(fake.token_requests)
    credentials = {"tenant_id": tenant}
    asyncio.run(
        output_for(fake, sent, **credentials)(
            [
                lambda out, n=n: out.send_text_message(sent["from"]["id"], f"reply {n}")
                for n in range(3)
            ]
        )
    )
    requested = fake.token_requests[before:]
    assert [r["tenant"] for r in requested] == [authority]
    assert requested[0]["scope"] == "https://api.botframework.com/.default"
    replies = fake.replies(sent["conversation"]["id"])
    assert [reply_text(r["activity"]) for r in replies] == ["reply 0", "reply 1", "reply 2"]
    assert {r["authorization"] for r in replies} == {f"Bearer {fake.issued_tokens[before]}"}


# -- the Teams app package --------------------------------------------------------------------


def check_package(package: Path, app_id: str) -> None:
    with zipfile.ZipFile(package) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        assert "{{" not in archive.read("manifest.json").decode()
        color = Image.open(archive.open("color.png"))
        outline = Image.open(archive.open("outline.png")).convert("RGBA")
    assert manifest["manifestVersion"] == "1.16"
    assert "v1.16" in manifest["$schema"]
    [bot] = manifest["bots"]
    assert bot["botId"] == app_id
    assert sorted(bot["scopes"]) == ["groupchat", "personal", "team"]
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert color.size == (192, 192)
    assert outline.size == (32, 32)
    pixels = list(outline.getdata())
    assert all(p[:3] == (255, 255, 255) for p in pixels if p[3] > 0), "outline must be white"
    assert any(p[3] == 0 for p in pixels) and any(p[3] == 255 for p in pixels)


def test_the_app_package_has_the_manifest_and_icons(tmp_path):
    app_id = str(uuid.uuid4())
    package = teams_package.build(app_id, out=tmp_path / "teams-app.zip")
    check_package(package, app_id)


def test_missing_icons_are_generated(tmp_path):
    source = tmp_path / "teams"
    source.mkdir()
    (source / "manifest.json").write_text((ROOT / "teams" / "manifest.json").read_text())
    app_id = str(uuid.uuid4())
    package = teams_package.build(app_id, source=source, out=tmp_path / "app.zip")
    assert (source / "color.png").exists() and (source / "outline.png").exists()
    check_package(package, app_id)


def test_the_package_needs_a_guid_app_id(tmp_path):
    with pytest.raises(SystemExit, match="GUID"):
        teams_package.build("my-bot", out=tmp_path / "app.zip")


# -- end to end: the real Rasa server and action server ---------------------------------------


@pytest.fixture(scope="module")
def teams(tmp_path_factory):
    with FakeMicrosoft() as fake:
        workdir = tmp_path_factory.mktemp("teams-servers")
        credentials = workdir / "credentials.yml"
        credentials.write_text(
            "tests.teams_fake.LocalTeamsInput:\n"
            f"  app_id: {APP_ID}\n  app_password: {APP_PASSWORD}\n  tenant_id: {TENANT_ID}\n"
            f"  fake_microsoft: {fake.url}\n"
        )
        with started_servers(workdir, credentials=credentials) as running:
            assert fake.requests == [], "the channel must not call Microsoft at start-up"
            yield TeamsServers(running, fake)


@pytest.mark.servers
def test_a_personal_chat_gets_the_cited_answer(teams):
    sent = activity(teams.fake, "can I use the city crest on my facebook profile?")
    replies = teams.ask(sent)
    text = "\n".join(reply_text(r) for r in replies)
    assert text.startswith("No.") and "Paragraph 23" in text
    assert all(r["replyToId"] == sent["id"] for r in replies)


@pytest.mark.servers
def test_a_channel_message_is_understood_without_the_mention(teams):
    sent = activity(teams.fake, f"{BOT_MENTION} can I friend a pupil?", conversation_type="channel")
    text = "\n".join(reply_text(r) for r in teams.ask(sent))
    assert "Paragraph 33" in text and "(DSL)" in text and "(LADO)" in text
    user_texts = [
        e["text"] for e in teams.servers.tracker_events(sent["from"]["id"]) if e["event"] == "user"
    ]
    assert user_texts == ["can I friend a pupil?"]


@pytest.mark.servers
def test_a_button_press_is_answered(teams):
    text = "\n".join(
        reply_text(r) for r in teams.ask(activity(teams.fake, "/ask_crest_logo_personal"))
    )
    assert text.startswith("No.") and "Paragraph 23" in text


@pytest.mark.servers
def test_a_reply_with_buttons_arrives_as_a_hero_card(teams):
    replies = teams.ask(activity(teams.fake, "what can you help me with?"))
    cards = [a for r in replies for a in r.get("attachments", []) if a["contentType"] == HERO_CARD]
    [card] = cards
    assert "Social Media Policy" in card["content"]["text"]
    buttons = card["content"]["buttons"]
    assert len(buttons) >= 3
    for button in buttons:
        assert button["type"] == "imBack" and button["title"]
        assert re.fullmatch(r"/help_area\{.*\}", button["value"])


@pytest.mark.servers
@pytest.mark.parametrize("case", list(FORGED))
def test_forged_requests_get_401_and_never_reach_the_assistant(teams, case):
    forged = FORGED[case]
    sent = {
        **activity(teams.fake, "can I use the city crest on my facebook profile?"),
        **forged.changes,
    }
    response = teams.post(sent, forged.auth(teams.fake))
    assert response.status_code == 401
    assert teams.fake.replies(sent["conversation"]["id"]) == []
    events = teams.servers.tracker_events(sent["from"]["id"])
    assert [e for e in events if e["event"] == "user"] == []


@pytest.mark.servers
def test_arbitrary_unicode_in_teams_activities_never_gets_a_server_error(teams):
    sent = activity(teams.fake, "hello")
    fuzz_teams(lambda changed: teams.post(changed, bearer(teams.fake.token())).status_code, sent)
    assert teams.servers.rasa.popen.poll() is None
    assert teams.ask(activity(teams.fake, "can I use the city crest on my facebook profile?"))
