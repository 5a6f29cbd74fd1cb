"""Serves the web chat page: web/index.html and the rasa-webchat widget, from this project only.

    .venv/bin/python -m scripts.serve_web [--port 8080] [--host 127.0.0.1] \
        [--rasa-url http://localhost:5005]

The widget is node_modules/rasa-webchat/lib/index.js (rasa-webchat 1.0.1, installed by
scripts/setup.sh with `npm ci`), served at /webchat.js without the CSS @import of Google Fonts
that its bundle carries: an intranet page must not call out. The page is served with a
Content-Security-Policy: scripts from this server plus the page's own inline start-up script,
allowed by its SHA-256 (no other inline script, no inline event handler, no eval); connections
only to this server and the Rasa server (--rasa-url; the page's ?server= must name the same).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import sys
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "web" / "index.html"
WIDGET = ROOT / "node_modules" / "rasa-webchat" / "lib" / "index.js"

# `@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);` inside
# the CSS strings of the bundle (11 times in 1.0.1); any remote @import is removed.
REMOTE_IMPORT = re.compile(r"""@import\s+url\(\s*(['"]?)(?:https?:)?//[^)'"]*\1\s*\)\s*;?""")
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def clean_widget(source: Path = WIDGET) -> bytes:
    """The widget bundle without remote CSS imports; fails if anything of them is left."""
    if not source.exists():
        raise SystemExit(f"{source} is missing: run scripts/setup.sh (npm ci) first")
    text = REMOTE_IMPORT.sub("", source.read_text(encoding="utf-8"))
    for leftover in ("fonts.googleapis.com", "fonts.gstatic.com", "@import url(http"):
        if leftover in text:
            raise SystemExit(f"{source}: {leftover!r} is still in the cleaned bundle")
    return text.encode("utf-8")


def origins(rasa_url: str) -> list[str]:
    """The origins the page may connect to for the Rasa server: HTTP polling and WebSocket."""
    parts = urlsplit(rasa_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SystemExit(f"--rasa-url must be an http(s) URL, not {rasa_url!r}")
    socket_scheme = "wss" if parts.scheme == "https" else "ws"
    return [f"{parts.scheme}://{parts.netloc}", f"{socket_scheme}://{parts.netloc}"]


def content_security_policy(page: str, rasa_url: str) -> str:
    digests = [hashlib.sha256(script.encode()).digest() for script in INLINE_SCRIPT.findall(page)]
    hashes = [f"'sha256-{base64.b64encode(digest).decode()}'" for digest in digests]
    return "; ".join(
        [
            "default-src 'none'",
            " ".join(["script-src 'self'", *hashes]),
            # The widget injects its CSS as <style> elements and sets style attributes.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            " ".join(["connect-src 'self'", *origins(rasa_url)]),
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'self'",
        ]
    )


class Site:
    """What the server answers, built once at start-up."""

    def __init__(self, rasa_url: str = "http://localhost:5005") -> None:
        page = PAGE.read_text(encoding="utf-8")
        self.csp = content_security_policy(page, rasa_url)
        self.files = {
            "/": (page.encode("utf-8"), "text/html; charset=utf-8"),
            "/index.html": (page.encode("utf-8"), "text/html; charset=utf-8"),
            "/webchat.js": (clean_widget(), "text/javascript; charset=utf-8"),
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
        content, content_type = found or (b"Not found\n", "text/plain; charset=utf-8")
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
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
