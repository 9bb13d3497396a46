"""Serving with gunicorn: a new database file swapped in under load, without a restart."""

import json
import os
import shutil
import threading
import time
import urllib.request

import yaml

from db import CONTENT_DIR
from db.build import build
from tests.servers import gunicorn

NEW_SUMMARY = "Updated summary for the swap test."


def fetch(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.headers["ETag"], json.loads(response.read())


def _new_dataset(tmp_path):
    """Build a second database whose anastrozole summary differs."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    path = content / "drugs" / "anastrozole.yaml"
    record = yaml.safe_load(path.read_text())
    record["bone_joint"]["summary"] = NEW_SUMMARY
    path.write_text(yaml.safe_dump(record, sort_keys=False))
    new = tmp_path / "new.db"
    build(new, content_dir=content, progress=lambda message: None)
    return new


def _hammer(url, stop, outcomes):
    while not stop.is_set():
        try:
            status, _, _ = fetch(url)
            outcomes.append(status)
        except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
            outcomes.append(repr(exc))


def test_a_swapped_in_database_is_served_without_restart_or_failed_request(tmp_path, database):
    live = tmp_path / "ossa.db"
    shutil.copyfile(database, live)
    new = _new_dataset(tmp_path)
    with gunicorn(live, workers=2) as base:
        url = f"{base}/v1/drugs/anastrozole"
        _, etag_before, before = fetch(url)
        stop, outcomes = threading.Event(), []
        threads = [threading.Thread(target=_hammer, args=(f"{base}/v1/lookup?name=Arimidex",
                                                         stop, outcomes)) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        os.replace(new, live)  # the deploy: one atomic rename, no signal, no restart
        time.sleep(1.0)
        stop.set()
        for thread in threads:
            thread.join()
        _, etag_after, after = fetch(url)
    assert before["bone_joint"]["summary"] != NEW_SUMMARY
    assert after["bone_joint"]["summary"] == NEW_SUMMARY
    assert etag_after != etag_before
    assert len(outcomes) > 50 and set(outcomes) == {200}
