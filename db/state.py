"""State every worker must share: CDS token ids already seen, and feedback counts on cards.

The dataset database is read-only, so this lives in a small writable SQLite file beside it, or
in Redis when one is configured (every replica then shares it). A store that cannot answer
raises StoreUnavailable: callers answer 503 (fail closed), never accept a token they could not
check, and never drop feedback silently.
"""

import hashlib
import sqlite3
import threading
import time
from pathlib import Path

OPEN_TIMEOUT = 5  # seconds a worker waits for the state file's lock, opening or writing
SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_tokens (
    issuer TEXT NOT NULL,
    token_id TEXT NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (issuer, token_id)
);
CREATE INDEX IF NOT EXISTS seen_tokens_expiry ON seen_tokens (expires_at);
CREATE TABLE IF NOT EXISTS cds_feedback (
    service TEXT NOT NULL,
    outcome TEXT NOT NULL,
    count INTEGER NOT NULL,
    last_at REAL NOT NULL,
    PRIMARY KEY (service, outcome)
);
"""


class StoreUnavailable(Exception):
    """The shared state store could not be read or written."""


def token_key(issuer, token_id):
    """Return a fixed-size key for (issuer, jti): issuers are URLs, so no separator is safe."""
    return hashlib.sha256(f"{issuer}\0{token_id}".encode()).hexdigest()


class SqliteStore:
    """Shared state in a SQLite file that every worker process opens."""

    def __init__(self, path):
        self.path = Path(path)
        self._local = threading.local()

    def _connect(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = self._local.conn = self._open()
        return conn

    def _open(self):
        """Open the file in WAL mode with its tables, however many workers open it at once.

        Workers write at the same moment, so writes wait for the lock (`timeout`). Switching a
        new file to WAL is different: SQLite answers "database is locked" at once, without
        waiting, while another connection is switching it, so that step is retried.
        """
        deadline = time.monotonic() + OPEN_TIMEOUT
        while True:
            conn = sqlite3.connect(self.path, timeout=OPEN_TIMEOUT, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.executescript(SCHEMA)
                return conn
            except sqlite3.OperationalError as exc:
                conn.close()
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.005)

    def _write(self, work):
        """Run work(conn) in one immediate transaction; raise StoreUnavailable on failure."""
        try:
            conn = self._connect()
            conn.execute("BEGIN IMMEDIATE")
        except (sqlite3.Error, OSError) as exc:
            raise StoreUnavailable(f"state file {self.path}: {exc}") from exc
        try:
            result = work(conn)
        except sqlite3.IntegrityError:
            conn.execute("COMMIT")
            raise
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise StoreUnavailable(f"state file {self.path}: {exc}") from exc
        conn.execute("COMMIT")
        return result

    def remember(self, issuer, token_id, expires_at, *, now=None):
        """Record a token id until expires_at; return False if it was already recorded."""
        now = time.time() if now is None else now

        def insert(conn):
            conn.execute("DELETE FROM seen_tokens WHERE expires_at < ?", (now,))
            # The primary key makes the check and the record one step: two workers racing on
            # the same token cannot both succeed.
            conn.execute("INSERT INTO seen_tokens (issuer, token_id, expires_at) VALUES (?, ?, ?)",
                         (issuer, token_id, float(expires_at)))

        try:
            self._write(insert)
        except sqlite3.IntegrityError:
            return False
        return True

    def record_feedback(self, service, outcomes, *, now=None):
        """Count each outcome (accepted, overridden) given on a service's cards."""
        now = time.time() if now is None else now

        def count(conn):
            conn.executemany(
                "INSERT INTO cds_feedback (service, outcome, count, last_at) VALUES (?, ?, 1, ?)"
                " ON CONFLICT (service, outcome) DO UPDATE SET count = count + 1,"
                " last_at = excluded.last_at", [(service, outcome, now) for outcome in outcomes])

        self._write(count)

    def feedback_counts(self):
        """Return {service: {outcome: count}} over every worker."""
        try:
            rows = self._connect().execute("SELECT service, outcome, count FROM cds_feedback")
            return _nest(rows.fetchall())
        except (sqlite3.Error, OSError) as exc:
            raise StoreUnavailable(f"state file {self.path}: {exc}") from exc

    def ping(self):
        """Say whether the store answers (for readiness)."""
        self.feedback_counts()


class RedisStore:
    """Shared state in Redis, shared by every worker of every replica."""

    def __init__(self, url):
        import redis  # only needed when OSSA_REDIS_URL is set

        self.client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.errors = redis.RedisError

    def _run(self, work):
        try:
            return work()
        except self.errors as exc:
            raise StoreUnavailable(f"Redis: {type(exc).__name__}") from exc

    def remember(self, issuer, token_id, expires_at, *, now=None):
        """Record a token id until expires_at; return False if it was already recorded."""
        # SET NX is the check and the record in one step; EXAT lets Redis purge it on expiry.
        key = f"ossa:jti:{token_key(issuer, token_id)}"
        return bool(self._run(lambda: self.client.set(key, 1, nx=True,
                                                       exat=max(int(expires_at) + 1, 1))))

    def record_feedback(self, service, outcomes, *, now=None):
        """Count each outcome given on a service's cards."""
        def count():
            pipe = self.client.pipeline()
            for outcome in outcomes:
                pipe.hincrby(f"ossa:cds:feedback:{service}", outcome, 1)
            pipe.execute()

        self._run(count)

    def feedback_counts(self):
        """Return {service: {outcome: count}} over every replica."""
        def read():
            keys = self.client.scan_iter("ossa:cds:feedback:*")
            return {key.decode().rsplit(":", 1)[1]: {k.decode(): int(v) for k, v in
                                                      self.client.hgetall(key).items()}
                    for key in keys}

        return self._run(read)

    def ping(self):
        """Say whether the store answers (for readiness)."""
        self._run(self.client.ping)


def _nest(rows):
    counts = {}
    for service, outcome, count in rows:
        counts.setdefault(service, {})[outcome] = count
    return counts


def open_store(location, redis_url=None):
    """Return the shared store: Redis when a URL is given, else the SQLite file."""
    return RedisStore(redis_url) if redis_url else SqliteStore(location)
