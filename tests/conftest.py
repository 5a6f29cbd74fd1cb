import pytest

from tests.servers import started_servers


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    """The real action server and Rasa server, started once for the whole session."""
    with started_servers(tmp_path_factory.mktemp("servers")) as running:
        yield running
