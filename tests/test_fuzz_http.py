"""Schemathesis CLI against a real gunicorn server: catches what the in-process run can hide."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from db import ROOT

BIN = Path(sys.executable).parent


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(database):
    """Serve the test database with gunicorn exactly as `make run` does."""
    port = _free_port()
    env = {**os.environ, "OSSA_DATABASE": str(database)}
    proc = subprocess.Popen(
        [BIN / "gunicorn", "--config", ROOT / "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--access-logfile", "/dev/null", "api:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/readyz", timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited: {proc.stderr.read().decode()}")
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=30)
    proc.stderr.close()


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
         "--suppress-health-check", "all"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout or " passed" in result.stdout
