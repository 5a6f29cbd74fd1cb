"""Starts the real action server and Rasa server on free loopback ports, as scripts/run.sh
starts them: for the benchmark (scripts/bench.py) and the tests (tests/servers.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "smp.tar.gz"
RASA = Path(sys.executable).parent / "rasa"
START_TIMEOUT = 180
# As scripts/run.sh starts them: the action server on loopback only (rasa-sdk reads SANIC_HOST),
# the Rasa server with config/server.env.
ACTION_SERVER_SETTINGS = {"SANIC_HOST": "127.0.0.1"}


def server_settings() -> dict[str, str]:
    """config/server.env's KEY=VALUE lines."""
    lines = (ROOT / "config" / "server.env").read_text().splitlines()
    pairs = (line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Process:
    popen: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def start(args: list[str], log: Path, settings: dict[str, str] | None = None) -> Process:
    env = dict(
        os.environ,
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        **(settings or {}),
    )
    handle = log.open("ab")
    popen = subprocess.Popen(
        [str(RASA), *args], cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, env=env
    )
    return Process(popen, log)


def wait_until(ready, process: Process, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(f"{what} exited early:\n{process.log_tail()}")
        try:
            if ready():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{what} not ready after {START_TIMEOUT}s:\n{process.log_tail()}")


@dataclass
class Servers:
    """The action server and a Rasa server sharing one SQLite tracker store in `workdir`, or,
    given `production` (the SMP_DB_* and SMP_REDIS_* variables), the production profile:
    endpoints.production.yml, PostgreSQL and Redis."""

    workdir: Path
    token: str = "test-token"
    credentials: Path = ROOT / "credentials.yml"
    cors: str | None = None
    production: dict[str, str] | None = None

    def __post_init__(self) -> None:
        self.action_port = free_port()
        self.rasa_port = free_port()
        action_url = f"http://127.0.0.1:{self.action_port}/webhook"
        self.settings: dict[str, str] = {}
        if self.production is None:
            self.endpoints = self.workdir / "endpoints.yml"
            self.endpoints.write_text(
                f'action_endpoint:\n  url: "{action_url}"\n'
                "tracker_store:\n  type: channels.stores.ThreadedSQLTrackerStore\n"
                "  dialect: sqlite\n"
                f"  db: {self.workdir / 'tracker.db'}\n"
            )
        else:
            self.endpoints = ROOT / "endpoints.production.yml"
            self.settings = {**self.production, "SMP_ACTION_URL": action_url}
        self.actions: Process | None = None
        self.rasa: Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start_actions(self) -> None:
        self.actions = start(
            ["run", "actions", "--actions", "actions", "--port", str(self.action_port)],
            self.workdir / "actions.log",
            ACTION_SERVER_SETTINGS,
        )
        wait_until(
            lambda: requests.get(f"http://127.0.0.1:{self.action_port}/health", timeout=2).ok,
            self.actions,
            "action server",
        )

    def start_rasa(self) -> None:
        self.rasa = start(
            [
                "run",
                "--model",
                str(MODEL),
                "--endpoints",
                str(self.endpoints),
                "--credentials",
                str(self.credentials),
                "--interface",
                "127.0.0.1",
                "--port",
                str(self.rasa_port),
                "--enable-api",
                "--auth-token",
                self.token,
                *(["--cors", self.cors] if self.cors else []),
            ],
            self.workdir / "rasa.log",
            {**server_settings(), **self.web_origins(), **self.settings},
        )
        wait_until(
            lambda: requests.get(f"{self.url}/status", params={"token": self.token}, timeout=2)
            .json()
            .get("model_file"),
            self.rasa,
            "Rasa server",
        )

    def web_origins(self) -> dict[str, str]:
        """The socket.io channel accepts the pages CORS allows (channels/socketio.py)."""
        return {"SMP_WEB_ORIGINS": self.cors} if self.cors else {}

    def restart_rasa(self) -> None:
        if self.rasa:
            self.rasa.stop()
        self.start_rasa()

    def stop(self) -> None:
        for process in (self.rasa, self.actions):
            if process:
                process.stop()

    def send(self, sender: str, message) -> list[dict]:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def tracker_events(self, sender: str) -> list[dict]:
        response = requests.get(
            f"{self.url}/conversations/{sender}/tracker", params={"token": self.token}, timeout=10
        )
        response.raise_for_status()
        return response.json()["events"]
