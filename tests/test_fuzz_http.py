"""Schemathesis CLI against a real gunicorn server: catches what the in-process run can hide."""

import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.servers import gunicorn

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def server(database):
    """Serve the test database with gunicorn exactly as `make run` does."""
    with gunicorn(database) as url:
        yield url


def test_over_long_urls_get_our_400_not_gunicorns_414(server):
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{server}/v1/lookup?name={'a' * 9000}", timeout=5)
    with info.value as err:
        assert err.code == 400
        assert err.headers["Content-Type"] == "application/problem+json"


def test_schemathesis_cli_finds_nothing_over_http(server, tmp_path):
    result = subprocess.run(
        [BIN / "schemathesis", "run", f"{server}/openapi.yaml", "--url", server,
         "--checks", "all", "--workers", "1", "--max-examples", "25", "--seed", "20261127",
         "--suppress-health-check", "all", "--request-timeout", "10"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout
