"""Redis, for real: two gunicorn instances share one rate limit, one cache and one jti store."""

import time
import urllib.error
import urllib.request

import pytest
import redis

from db.state import open_store
from tests.servers import gunicorn, redis_server


@pytest.fixture(scope="module")
def redis_url():
    with redis_server() as url:
        yield url


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers)


def test_two_instances_with_several_workers_share_exactly_one_limit(database, redis_url):
    limits = {"redis_url": redis_url, "ratelimit_default": "5 per minute"}
    with gunicorn(database, workers=2, **limits) as one, \
            gunicorn(database, workers=2, **limits) as two:
        answers = [status(f"{base}/v1/drugs/anastrozole") for _ in range(8)
                   for base in (one, two)][:15]
    codes = [code for code, _ in answers]
    assert codes.count(200) == 5 and codes.count(429) == 10
    refused = next(headers for code, headers in answers if code == 429)
    assert int(refused["Retry-After"]) > 0
    assert refused["Content-Type"] == "application/problem+json"


def test_two_instances_share_one_response_cache(database, redis_url):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    with gunicorn(database, workers=1, redis_url=redis_url) as one, \
            gunicorn(database, workers=1, redis_url=redis_url) as two:
        status(f"{one}/v1/search?q=tamox")
        cached = set(client.scan_iter("ossa:cache:*"))
        assert len(cached) == 1  # the first instance stored the finished answer
        code, headers = status(f"{two}/v1/search?q=tamox")
        assert code == 200 and headers["ETag"]
        assert set(client.scan_iter("ossa:cache:*")) == cached  # the second one reused it


def test_a_token_id_is_accepted_once_across_stores_sharing_redis(redis_url):
    first, second = open_store(None, redis_url), open_store(None, redis_url)
    expires = time.time() + 300
    assert first.remember("https://ehr.example", "jti-1", expires) is True
    assert second.remember("https://ehr.example", "jti-1", expires) is False
    assert second.remember("https://ehr.example", "jti-2", expires) is True
