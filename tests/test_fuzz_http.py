"""Schemathesis CLI against the real serving stack (`make run`'s: nginx, when installed, then
gunicorn): catches what the in-process run can hide."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import serve

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def server(database):
    """Serve the test database exactly as `make run` does."""
    with serve(database) as url:
        yield url


def test_schemathesis_cli_finds_nothing_over_http(server, tmp_path):
    result = subprocess.run(
        [BIN / "schemathesis", "run", f"{server}/openapi.yaml", "--url", server,
         "--checks", "all", "--workers", "1", "--max-examples", "25", "--seed", "20261127",
         "--suppress-health-check", "all", "--request-timeout", "10"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout
