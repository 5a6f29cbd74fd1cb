"""Serves the web chat page, the policy and the accessibility statement, from this project only.

    .venv/bin/python -m scripts.serve_web [--port 8080] [--host 127.0.0.1] \
        [--rasa-url http://localhost:5005]

- `/`: web/index.html, the launcher and chat panel (web/chat.js, web/chat.css) around Bot
  Framework Web Chat (`/webchat.js`, node_modules/botframework-webchat 4.18.1, installed by
  scripts/setup.sh with `npm ci`), connected to Rasa's socket.io channel by web/rasa-directline.js
  over the socket.io client (`/socket.io.js`, node_modules/socket.io-client).
- `/policy`: the Social Media Policy from data/policy/paragraphs.yml, one anchor per paragraph
  (`/policy#para-23`); the chat's citations link there.
- `/accessibility`: the accessibility statement (web/accessibility.html), with the contact for
  reporting a problem from config/contacts.yml (role `accessibility`).

Every response carries a Content-Security-Policy: scripts from this server only (no inline
script, no eval), connections only to this server and the Rasa server (--rasa-url; the page's
?server= must name the same). Files are sent gzip-compressed to browsers that accept it.
"""

from __future__ import annotations

import argparse
import gzip
import html
import sys
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import groupby
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

import yaml

from actions.contacts import configured_contacts
from actions.follow_ups import plain

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
NODE_MODULES = ROOT / "node_modules"
PARAGRAPHS = ROOT / "data" / "policy" / "paragraphs.yml"
ACCESSIBILITY_ROLE = "accessibility"

HTML = "text/html; charset=utf-8"
JAVASCRIPT = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"

# URL path: (file, content type), served as they are.
STATIC_FILES = {
    "/chat.css": (WEB / "chat.css", CSS),
    "/chat.js": (WEB / "chat.js", JAVASCRIPT),
    "/rasa-directline.js": (WEB / "rasa-directline.js", JAVASCRIPT),
    "/socket.io.js": (NODE_MODULES / "socket.io-client" / "dist" / "socket.io.min.js", JAVASCRIPT),
    "/webchat.js": (NODE_MODULES / "botframework-webchat" / "dist" / "webchat.js", JAVASCRIPT),
}


def read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise SystemExit(f"{path} is missing: run scripts/setup.sh (npm ci) first")
    return path.read_bytes()


def origins(rasa_url: str) -> list[str]:
    """The origins the page may connect to for the Rasa server: HTTP polling and WebSocket."""
    parts = urlsplit(rasa_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SystemExit(f"--rasa-url must be an http(s) URL, not {rasa_url!r}")
    socket_scheme = "wss" if parts.scheme == "https" else "ws"
    return [f"{parts.scheme}://{parts.netloc}", f"{socket_scheme}://{parts.netloc}"]


def content_security_policy(rasa_url: str) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            # Web Chat injects its CSS as <style> elements and sets style attributes.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",  # Web Chat draws some icons from blob: URLs
            "font-src 'self' data:",
            " ".join(["connect-src 'self'", *origins(rasa_url)]),
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'self'",
        ]
    )


def paragraph_html(number: int, text: str) -> str:
    """One paragraph at its anchor (para-N): its lines as paragraphs, "- " lines as a list."""
    blocks = []
    for is_item, lines in groupby(plain(text).split("\n"), key=lambda line: line.startswith("- ")):
        if is_item:
            items = "".join(f"<li>{html.escape(line[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.extend(f"<p>{html.escape(line)}</p>" for line in lines)
    number_label = f'<span class="policy-paragraph__number">{number}.</span> '
    blocks[0] = blocks[0].replace("<p>", f"<p>{number_label}", 1)
    return f'<div id="para-{number}" class="policy-paragraph">{"".join(blocks)}</div>'


def policy_sections(paragraphs: list[dict]) -> str:
    """The paragraphs as HTML, with a heading per section."""
    parts = []
    for section, members in groupby(paragraphs, key=lambda paragraph: paragraph["section"]):
        parts.append(f"<h2>{html.escape(section)}</h2>")
        parts.extend(paragraph_html(p["number"], p["text"]) for p in members)
    return "\n".join(parts)


def policy_page(source: Path = PARAGRAPHS) -> str:
    paragraphs = yaml.safe_load(source.read_text(encoding="utf-8"))["paragraphs"]
    template = Template((WEB / "policy.html").read_text(encoding="utf-8"))
    return template.substitute(sections=policy_sections(paragraphs))


def contact_html(fields: dict[str, str] | None) -> str:
    """How to report a problem: the configured contact, or Human Resources when there is none."""
    if not fields:
        return "<p>Contact Human Resources, or tell your line manager.</p>"
    items = []
    if "name" in fields:
        items.append(html.escape(fields["name"]))
    if "phone" in fields:
        items.append(f"Telephone: {html.escape(fields['phone'])}")
    if "email" in fields:
        email = html.escape(fields["email"])
        items.append(f'Email: <a href="mailto:{email}">{email}</a>')
    if "url" in fields:
        url = html.escape(fields["url"])
        items.append(f'Intranet page: <a href="{url}">{url}</a>')
    if "where" in fields:
        items.append(html.escape(fields["where"]))
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def accessibility_page() -> str:
    template = Template((WEB / "accessibility.html").read_text(encoding="utf-8"))
    return template.substitute(contact=contact_html(configured_contacts().get(ACCESSIBILITY_ROLE)))


class Site:
    """What the server answers, built once at start-up: path -> (content, gzipped, type)."""

    def __init__(self, rasa_url: str = "http://localhost:5005") -> None:
        self.csp = content_security_policy(rasa_url)
        page = read_bytes(WEB / "index.html")
        contents = {
            "/": (page, HTML),
            "/index.html": (page, HTML),
            "/policy": (policy_page().encode("utf-8"), HTML),
            "/accessibility": (accessibility_page().encode("utf-8"), HTML),
            **{path: (read_bytes(file), kind) for path, (file, kind) in STATIC_FILES.items()},
        }
        self.files = {
            path: (content, gzip.compress(content, mtime=0), kind)
            for path, (content, kind) in contents.items()
        }


class Handler(BaseHTTPRequestHandler):
    server_version = "smp-web"
    sys_version = ""

    def __init__(self, *args, site: Site, **kwargs) -> None:
        self.site = site
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        self.respond(body=True)

    def do_HEAD(self) -> None:
        self.respond(body=False)

    def respond(self, body: bool) -> None:
        found = self.site.files.get(urlsplit(self.path).path)
        plain, gzipped, content_type = found or (b"Not found\n", None, "text/plain; charset=utf-8")
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        compressed = gzipped if accepts_gzip else None
        content = compressed or plain
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        if compressed:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Security-Policy", self.site.csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if body:
            self.wfile.write(content)


def make_server(
    host: str = "127.0.0.1", port: int = 8080, rasa_url: str = "http://localhost:5005"
) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), partial(Handler, site=Site(rasa_url)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="127.0.0.1", help="interface (default: loopback only)")
    parser.add_argument(
        "--rasa-url",
        default="http://localhost:5005",
        help="the Rasa server the page may connect to (default: http://localhost:5005)",
    )
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port, args.rasa_url)
    print(f"Web chat on http://{args.host}:{server.server_address[1]}/", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
