"""A local stand-in for Microsoft's side of Teams, for the Teams channel tests (no internet).

FakeMicrosoft serves, on 127.0.0.1, the Bot Framework OpenID configuration (/openid), its key
set (/keys, one RSA test key with a kid), the OAuth token endpoint the bot gets its own token
from (/oauth/<tenant>/oauth2/v2.0/token) and the Bot Connector
(/v3/conversations/<id>/activities[/<activity id>]), which records every reply. It signs
incoming-request tokens with PyJWT.

LocalTeamsInput is the project's Teams channel pointed at a FakeMicrosoft, for a Rasa server
started by the tests (credentials key `fake_microsoft: <url>`).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from channels.teams import BOT_FRAMEWORK_ISSUER, TeamsInput

APP_ID = "6f1c2c4e-3b7a-4f0e-9d51-2a8c1e0b7d42"
APP_PASSWORD = "test-app-password"
TENANT_ID = "0d9e4b9a-8c1f-4a57-a0f2-5e3c7b1d9a60"
KEY_ID = "fake-key-1"
ENDORSEMENTS = ["msteams"]


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeMicrosoft:
    """Microsoft's endpoints for one test module, in a thread."""

    def __init__(self) -> None:
        self.private_key = new_rsa_key()
        self.key_id = KEY_ID
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.activities: list[dict[str, Any]] = []
        self.token_requests: list[dict[str, Any]] = []
        self.issued_tokens: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeMicrosoft:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def service_url(self) -> str:
        """The Bot Connector base URL, as Teams sends it (with a trailing slash)."""
        return f"{self.url}/"

    def jwk(self) -> dict[str, Any]:
        key = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        return {**key, "kid": self.key_id, "use": "sig", "endorsements": ENDORSEMENTS}

    def hits(self, path: str) -> int:
        with self.lock:
            return sum(1 for _, requested in self.requests if requested == path)

    def replies(self, conversation_id: str) -> list[dict[str, Any]]:
        """The activities the bot posted to this conversation, oldest first."""
        with self.lock:
            return [a for a in self.activities if a["conversation_id"] == conversation_id]

    def token(
        self,
        *,
        audience: str = APP_ID,
        issuer: str = BOT_FRAMEWORK_ISSUER,
        service_url: str | None = None,
        expires_in: int = 3600,
        key: Any = "test key",
        key_id: str | None = None,
        algorithm: str = "RS256",
        **claims: Any,
    ) -> str:
        """A Bot Connector token for an incoming request, signed with the test key by default.

        A claim given as None is left out; `key=None` with `algorithm="none"` gives an unsigned
        token.
        """
        now = int(time.time())
        payload = {
            "iss": issuer,
            "aud": audience,
            "iat": now - 10,
            "nbf": now - 10,
            "exp": now + expires_in,
            "serviceurl": service_url or self.service_url,
            **claims,
        }
        payload = {name: value for name, value in payload.items() if value is not None}
        return jwt.encode(
            payload,
            self.private_key if key == "test key" else key,
            algorithm=algorithm,
            headers={"kid": key_id or self.key_id},
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self) -> None:
                with fake.lock:
                    fake.requests.append(("GET", self.path))
                if self.path == "/openid":
                    self._json(
                        200,
                        {
                            "issuer": BOT_FRAMEWORK_ISSUER,
                            "jwks_uri": f"{fake.url}/keys",
                            "id_token_signing_alg_values_supported": ["RS256"],
                        },
                    )
                elif self.path == "/keys":
                    self._json(200, {"keys": [fake.jwk()]})
                else:
                    self._json(404, {"error": "not found"})

            def do_POST(self) -> None:
                with fake.lock:
                    fake.requests.append(("POST", self.path))
                parts = self.path.strip("/").split("/")
                body = self._body()
                if parts[:1] == ["oauth"] and parts[2:] == ["oauth2", "v2.0", "token"]:
                    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                    if form.get("client_id") != APP_ID or form.get("client_secret") != (
                        APP_PASSWORD
                    ):
                        self._json(401, {"error": "invalid_client"})
                        return
                    token = f"outgoing-{uuid.uuid4().hex}"
                    with fake.lock:
                        fake.token_requests.append({"tenant": parts[1], **form})
                        fake.issued_tokens.append(token)
                    self._json(
                        200, {"token_type": "Bearer", "expires_in": 3600, "access_token": token}
                    )
                elif parts[:2] == ["v3", "conversations"] and parts[3:4] == ["activities"]:
                    record = {
                        "conversation_id": unquote(parts[2]),
                        "path_reply_to": unquote(parts[4]) if len(parts) > 4 else None,
                        "authorization": self.headers.get("Authorization"),
                        "activity": json.loads(body),
                    }
                    with fake.lock:
                        known = record["authorization"] in [
                            f"Bearer {token}" for token in fake.issued_tokens
                        ]
                        if known:
                            fake.activities.append(record)
                    if known:
                        self._json(200, {"id": uuid.uuid4().hex})
                    else:
                        self._json(401, {"error": "unknown token"})
                else:
                    self._json(404, {"error": "not found"})

        return Handler


class LocalTeamsInput(TeamsInput):
    """The Teams channel with Microsoft's URLs pointed at a FakeMicrosoft (tests only)."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TeamsInput:
        channel = super().from_credentials(credentials)
        fake_url = (credentials or {})["fake_microsoft"]
        channel.openid_configuration_url = f"{fake_url}/openid"
        channel.oauth2_url = f"{fake_url}/oauth"
        channel.service_urls = (f"{fake_url}/",)
        return channel
