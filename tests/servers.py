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
from serving.run import free_port

BIN = Path(sys.executable).parent


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
def _process(command, port, name, stop_timeout, **env):
    """Run a server command with the test environment; yield its base URL once it answers."""
    environ = {**os.environ, **{f"OSSA_{k.upper()}": str(v) for k, v in env.items()}}
    # A file, not a pipe: the access log writes a line per request, and a pipe nobody reads
    # fills up and blocks the workers.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=subprocess.DEVNULL,
                            stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{url}/healthz", proc, log, name)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=stop_timeout)
        log.close()


def gunicorn(database, workers=2, **env):
    """Serve ossa on the database with gunicorn as `make run` does; yield its base URL."""
    port = free_port()
    return _process([BIN / "gunicorn", "--config", ROOT / "gunicorn.conf.py", "--bind",
                     f"127.0.0.1:{port}", "--workers", str(workers), "api:create_app()"],
                    port, "gunicorn", 30, database=database, **env)


def serve(database, **env):
    """Run the stack `make run` runs (serving/run.py: nginx, when installed, then gunicorn);
    yield its base URL."""
    port = free_port()
    return _process([BIN / "python", "-m", "serving.run", "--port", str(port)], port,
                    "serving.run", 40, database=database, **env)


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
