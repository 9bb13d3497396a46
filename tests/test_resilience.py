"""Resilience of the serving stack `make run` starts: slow clients, an 8 MB URL, and a Redis
outage under traffic."""

import json
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from tests.servers import RedisServer, gunicorn, serve
from tests.tokens import ISSUER, mint, write_jwks

SLOW = 64


def get(url, headers=None, timeout=5, data=None):
    """Return (status, headers, body) of a request, errors included."""
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), err.read()


def _slow_clients(base, count):
    host, port = base.split("//")[1].split(":")
    sockets = []
    for _ in range(count):
        sock = socket.create_connection((host, int(port)), timeout=5)
        sock.sendall(b"GET /v1/drugs/anastrozole HTTP/1.1\r\nHost: x\r\n")  # and then nothing
        sockets.append(sock)
    return sockets


@pytest.fixture(scope="module")
def stack(database):
    with serve(database) as base:
        yield base


def test_64_slow_clients_do_not_delay_a_normal_lookup(stack):
    sockets = _slow_clients(stack, SLOW)
    try:
        time.sleep(0.3)  # let them take whatever they can take
        for name in ("Arimidex", "Ibrance", "letrozole", "Neulasta"):
            started = time.monotonic()
            status, _, _ = get(f"{stack}/v1/lookup?name={name}", timeout=5)
            assert status == 200
            assert time.monotonic() - started < 1.0
    finally:
        for sock in sockets:
            sock.close()


def _send_long_line(base, size):
    """Send a request line of size bytes; return (seconds until the answer, its first line)."""
    host, port = base.split("//")[1].split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        try:
            sock.sendall(b"GET /v1/lookup?name=" + b"a" * size + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        except OSError:
            pass  # the server answered and closed before reading it all: what we want
        answer = b""
        try:
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except OSError:
            pass
    return time.monotonic() - started, answer


@pytest.mark.parametrize("size", [9_000, 8 * 1024 * 1024])
def test_an_over_long_url_is_refused_at_once_as_problem_json(stack, size):
    seconds, answer = _send_long_line(stack, size)
    assert seconds < 1.0
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414")
    assert b"application/problem+json" in head
    status, _, _ = get(f"{stack}/v1/lookup?name=Arimidex")
    assert status == 200  # nothing stalled


def test_gunicorn_alone_refuses_it_as_problem_json_too(database):
    with gunicorn(database, workers=1) as base:
        seconds, answer = _send_long_line(base, 9_000)
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 414") and b"application/problem+json" in head
        assert json.loads(body)["code"] == "uri_too_long"


def _cds_call(base, public):
    path = "/cds-services/ossa-order-sign"
    body = {"hook": "order-sign", "hookInstance": str(uuid.uuid4()), "context": {
        "patientId": "1", "draftOrders": {"resourceType": "Bundle", "entry": [{"resource": {
            "resourceType": "MedicationRequest", "id": "1", "status": "draft",
            "medicationCodeableConcept": {"text": "Femara"}}}]}}}
    token = mint(path, aud=public + path)
    return get(base + path, headers={"Authorization": f"Bearer {token}",
                                     "Content-Type": "application/json"},
               data=json.dumps(body).encode())


GET_PATHS = ["/v1/lookup?name=Arimidex", "/v1/drugs/letrozole", "/v1/search?q=ana",
             "/v1/meta", "/healthz"]


def test_a_redis_outage_degrades_instead_of_failing(database, tmp_path):
    redis = RedisServer().start()
    jwks = write_jwks(tmp_path / "jwks.json")
    public = "https://ossa.example.org"
    settings = {"redis_url": redis.url, "ratelimit_default": "10000 per minute",
                "cds_jwt_required": "true", "cds_jwks_file": jwks, "cds_issuers": ISSUER,
                "public_url": public}
    statuses, stop = [], threading.Event()
    try:
        with gunicorn(database, workers=2, **settings) as base:
            def traffic():
                i = 0
                while not stop.is_set():
                    statuses.append(get(base + GET_PATHS[i % len(GET_PATHS)])[0])
                    i += 1

            thread = threading.Thread(target=traffic)
            thread.start()
            assert _cds_call(base, public)[0] == 200
            assert json.loads(get(f"{base}/readyz")[2])["redis"] == "ok"

            redis.stop()
            time.sleep(0.5)
            outage = [_cds_call(base, public) for _ in range(6)]
            ready = get(f"{base}/readyz")
            healthy = get(f"{base}/healthz")

            redis.start()
            deadline = time.monotonic() + 10
            while json.loads(get(f"{base}/readyz")[2])["redis"] != "ok":
                assert time.monotonic() < deadline, "no recovery"
                time.sleep(0.2)
            recovered = _cds_call(base, public)
            stop.set()
            thread.join()
    finally:
        stop.set()
        redis.stop() if redis.proc.poll() is None else None
    assert statuses and all(status < 500 for status in statuses), statuses
    assert len(statuses) > 100
    for status, headers, body in outage:  # every CDS call fails closed while Redis is down
        assert status == 503
        assert int(headers["Retry-After"]) > 0
        assert json.loads(body)["resourceType"] == "OperationOutcome"
    assert ready[0] == 200 and json.loads(ready[2])["redis"] == "degraded"
    assert healthy[0] == 200
    assert recovered[0] == 200
