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
def serve(database, **env):
    """Run the stack `make run` runs (serving/run.py: nginx, when installed, then gunicorn);
    yield its base URL."""
    port = free_port()
    environ = {**os.environ, "OSSA_DATABASE": str(database), "PORT": str(port),
               **{f"OSSA_{k.upper()}": str(v) for k, v in env.items()}}
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([BIN / "python", "-m", "serving.run"], cwd=ROOT, env=environ,
                            stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{url}/healthz", proc, log, "serving.run")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=40)
        log.close()


class RedisServer:
    """A throwaway redis-server on 127.0.0.1 that a test can stop and start again."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError("redis-server is not installed: run `make test`, which installs "
                               "it")
        self.port, self.proc = free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


@contextmanager
def redis_server():
    """Run a throwaway redis-server on 127.0.0.1; yield its URL."""
    server = RedisServer().start()
    try:
        yield server.url
    finally:
        server.stop()
