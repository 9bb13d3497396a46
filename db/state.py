"""State every worker must share: the ids of CDS tokens already seen, kept until they expire.

The dataset database is read-only, so this lives in a small writable SQLite file beside it.
A Redis store (`SET key 1 NX EXAT expires_at`) can replace it behind `open_store`.
"""

import sqlite3
import threading
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_tokens (
    issuer TEXT NOT NULL,
    token_id TEXT NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (issuer, token_id)
);
CREATE INDEX IF NOT EXISTS seen_tokens_expiry ON seen_tokens (expires_at);
"""


class SqliteStore:
    """Seen token ids in a SQLite file that every worker process opens."""

    def __init__(self, path):
        self.path = Path(path)
        self._local = threading.local()

    def _connect(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Workers write at the same moment: wait for the lock rather than fail at once.
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(SCHEMA)
            self._local.conn = conn
        return conn

    def remember(self, issuer, token_id, expires_at, *, now=None):
        """Record a token id until expires_at; return False if it was already recorded."""
        now = time.time() if now is None else now
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DELETE FROM seen_tokens WHERE expires_at < ?", (now,))
            # The primary key makes the check and the record one step: two workers racing on
            # the same token cannot both succeed.
            conn.execute("INSERT INTO seen_tokens (issuer, token_id, expires_at) VALUES (?, ?, ?)",
                         (issuer, token_id, float(expires_at)))
        except sqlite3.IntegrityError:
            conn.execute("COMMIT")  # keep the purge
            return False
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return True


class RedisStore:
    """Seen token ids in Redis, shared by every worker of every replica."""

    def __init__(self, url):
        import redis  # only needed when OSSA_REDIS_URL is set

        self.client = redis.Redis.from_url(url)

    def remember(self, issuer, token_id, expires_at, *, now=None):
        """Record a token id until expires_at; return False if it was already recorded."""
        # SET NX is the check and the record in one step; EXAT lets Redis purge it on expiry.
        key = f"ossa:jti:{issuer}:{token_id}"
        return bool(self.client.set(key, 1, nx=True, exat=max(int(expires_at) + 1, 1)))


def open_store(location, redis_url=None):
    """Return the seen-token store: Redis when a URL is given, else the SQLite file."""
    return RedisStore(redis_url) if redis_url else SqliteStore(location)
