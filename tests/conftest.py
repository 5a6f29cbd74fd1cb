import os

import pytest

from tests.servers import MODEL, Servers


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    """The real action server and Rasa server, started once for the whole session."""
    if not MODEL.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"no trained model at {MODEL}: the test command trains it first")
        pytest.skip(f"no trained model at {MODEL}: run `make train` first")
    running = Servers(tmp_path_factory.mktemp("servers"))
    try:
        running.start_actions()
        running.start_rasa()
        yield running
    finally:
        running.stop()
