"""Start real servers for tests: gunicorn serving ossa, and redis-server."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from db import ROOT

BIN = Path(sys.executable).parent


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url, proc, log, name):
    for _ in range(200):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # it answers, even if with an error
        except OSError:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"{name} exited: {log.read().decode()[-2000:]}") from None
            time.sleep(0.05)
    raise RuntimeError(f"{name} did not answer {url}")


@contextmanager
def gunicorn(database, workers=2, **env):
    """Serve ossa on the database with gunicorn as `make run` does; yield its base URL."""
    port = free_port()
    environ = {**os.environ, "OSSA_DATABASE": str(database),
               **{f"OSSA_{k.upper()}": str(v) for k, v in env.items()}}
    # A file, not a pipe: the access log writes a line per request, and a pipe nobody reads
    # fills up and blocks the workers.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [BIN / "gunicorn", "--config", ROOT / "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "api:create_app()"],
        cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{url}/healthz", proc, log, "gunicorn")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@contextmanager
def redis_server():
    """Run a throwaway redis-server on 127.0.0.1; yield its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed: run `make test`, which installs it")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
