"""db.state: token ids seen by any worker, insert-or-fail, purged once expired."""

import threading
import time

from db.state import open_store

ISSUER = "https://ehr.example.org"


def test_the_state_store_purges_expired_ids(tmp_path):
    store = open_store(tmp_path / "state.db")
    assert store.remember(ISSUER, "a", 100, now=50)
    assert not store.remember(ISSUER, "a", 100, now=60)
    assert store.remember("https://other.example.org", "a", 100, now=60)  # ids are per issuer
    assert store.remember(ISSUER, "a", 300, now=200)  # the old row expired and was purged


def test_racing_workers_accept_a_token_id_once(tmp_path):
    results = []

    def worker():
        # each worker opens the file on its own, like a separate gunicorn process
        results.append(open_store(tmp_path / "state.db").remember(ISSUER, "same", time.time() + 60))

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 11 + [True]
