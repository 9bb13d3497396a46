"""Redis is an accelerator here, not a dependency: when it fails, the read path goes on.

The response cache is skipped while Redis is down (answers are computed, not stored); the rate
limiter falls back to in-memory counters (flask-limiter's own fallback); CDS token checks fail
closed with 503 (api.cds.auth). One log line marks the start of an outage and one its end, in
each process: `redis unavailable` is the line to alert on; `/readyz` says `degraded` meanwhile.
"""

import logging
import threading
import time

log = logging.getLogger("ossa")
RETRY_SECONDS = 1.0  # while down, Redis is tried again at most this often per process


class Outage:
    """Whether Redis failed lately, in this process."""

    def __init__(self):
        self.down_since, self.retry_at, self.failures = None, 0.0, 0
        self._lock = threading.Lock()

    @property
    def degraded(self):
        return self.down_since is not None

    def guard(self, call, *args):
        """Run a cache call; on a Redis error (or while backing off) return None instead."""
        if self.down_since is not None and time.monotonic() < self.retry_at:
            return None
        try:
            result = call(*args)
        except Exception as exc:  # noqa: BLE001 - redis-py raises many kinds; all mean "skip"
            self.failed(exc)
            return None
        self.recovered()
        return result

    def failed(self, exc):
        with self._lock:
            self.failures += 1
            self.retry_at = time.monotonic() + RETRY_SECONDS
            if self.down_since is None:
                self.down_since = time.time()
                log.error("redis unavailable: response cache bypassed, rate limits in memory, "
                          "CDS calls answer 503 until it recovers (%s)", type(exc).__name__)

    def recovered(self):
        if self.down_since is not None:
            with self._lock:
                if self.down_since is not None:
                    log.warning("redis recovered after %.1f s", time.time() - self.down_since)
                    self.down_since = None


redis_outage = Outage()
