"""Data updates while serving: a swapped-in file, an in-place load and an RxNorm re-import each
reach every worker with new ETags, and requests in flight finish on the data they began with."""

import json
import os
import shutil
import sqlite3
import threading
import time
import urllib.request

import pytest
import yaml

import api.database
import api.drugs
from db import CONTENT_DIR
from db.build import build, dataset_version, load
from db.content import load_content
from db.rxnorm import import_rxnorm
from tests.servers import gunicorn

NEW_SUMMARY = "Updated summary for the swap test."


def fetch(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.headers["ETag"], json.loads(response.read())


def _changed_content(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    path = content / "drugs" / "anastrozole.yaml"
    record = yaml.safe_load(path.read_text())
    record["bone_joint"]["summary"] = NEW_SUMMARY
    path.write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True))
    return content


def _until(check, seconds=10):
    """Poll check() until it is true; fail after seconds (no fixed sleeps)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the new data never arrived"
        time.sleep(0.05)


def _hammer(url, stop, outcomes):
    while not stop.is_set():
        try:
            outcomes.append(fetch(url)[0])
        except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
            outcomes.append(repr(exc))


def test_a_swapped_in_database_is_served_without_restart_or_failed_request(tmp_path, database):
    live = tmp_path / "ossa.db"
    shutil.copyfile(database, live)
    new = tmp_path / "new.db"
    build(new, content_dir=_changed_content(tmp_path), progress=lambda message: None)
    with gunicorn(live, workers=2) as base:
        url = f"{base}/v1/drugs/anastrozole"
        _, etag_before, before = fetch(url)
        stop, outcomes = threading.Event(), []
        threads = [threading.Thread(target=_hammer, args=(f"{base}/v1/lookup?name=Arimidex",
                                                         stop, outcomes)) for _ in range(4)]
        for thread in threads:
            thread.start()
        _until(lambda: len(outcomes) > 20)
        os.replace(new, live)  # the deploy: one atomic rename, no signal, no restart
        # every worker, on every connection, ends up on the new data
        _until(lambda: all(fetch(url)[2]["bone_joint"]["summary"] == NEW_SUMMARY
                           for _ in range(8)))
        count = len(outcomes)
        _until(lambda: len(outcomes) > count + 20)
        stop.set()
        for thread in threads:
            thread.join()
        _, etag_after, _ = fetch(url)
    assert before["bone_joint"]["summary"] != NEW_SUMMARY
    assert etag_after != etag_before
    assert set(outcomes) == {200}


def test_a_request_in_flight_finishes_on_the_file_it_began_with(make_app, tmp_path, database,
                                                              monkeypatch):
    live = tmp_path / "ossa.db"
    shutil.copyfile(database, live)
    new = tmp_path / "new.db"
    build(new, content_dir=_changed_content(tmp_path), progress=lambda message: None)
    monkeypatch.setattr(api.database, "RECHECK_SECONDS", 0)
    client = make_app(DATABASE=str(live)).test_client()

    started, release, real = threading.Event(), threading.Event(), api.drugs.fetch_drug

    def slow_fetch(conn, drug_id):
        started.set()
        release.wait(10)  # the file is swapped while this request holds its connection
        return real(conn, drug_id)

    monkeypatch.setattr(api.drugs, "fetch_drug", slow_fetch)
    answers = {}
    slow = threading.Thread(target=lambda: answers.update(
        old=client.get("/v1/drugs/anastrozole")))
    slow.start()
    assert started.wait(10)
    os.replace(new, live)
    monkeypatch.setattr(api.drugs, "fetch_drug", real)
    fresh = client.get("/v1/drugs/letrozole")  # another request sees the new file …
    release.set()
    slow.join()
    assert fresh.status_code == 200
    old = answers["old"]  # … while the one in flight finished on the old one
    assert old.status_code == 200 and old.get_json()["bone_joint"]["summary"] != NEW_SUMMARY
    assert client.get("/v1/drugs/anastrozole").get_json()["bone_joint"][
        "summary"] == NEW_SUMMARY


def test_an_in_place_load_gives_every_worker_new_etags(make_app, tmp_path, database,
                                                       monkeypatch):
    live = tmp_path / "ossa.db"
    shutil.copyfile(database, live)
    monkeypatch.setattr(api.database, "RECHECK_SECONDS", 0)
    workers = [make_app(DATABASE=str(live)).test_client() for _ in range(2)]
    before = {w.get("/v1/drugs/anastrozole").headers["ETag"] for w in workers}
    content = _changed_content(tmp_path)
    conn = sqlite3.connect(live)
    load(conn, load_content(content), dataset_version(content), progress=lambda m: None)
    conn.close()
    after = [w.get("/v1/drugs/anastrozole") for w in workers]
    assert len(before) == 1 and len({a.headers["ETag"] for a in after}) == 1
    assert after[0].headers["ETag"] not in before
    assert after[0].get_json()["bone_joint"]["summary"] == NEW_SUMMARY


@pytest.fixture
def release(tmp_path):
    """Write a minimal RxNorm release folder; return a function that names it by date."""
    line = ("{rxcui}|ENG||||||||||RXNORM|{tty}||{name}||N||\n")

    def make(date):
        folder = tmp_path / f"RxNorm_full_{date}" / "rrf"
        folder.mkdir(parents=True)
        (folder / "RXNCONSO.RRF").write_text(
            line.format(rxcui="9990001", tty="SCD", name="anastrozole 2 MG Oral Tablet"))
        return folder.parent

    return make


def test_a_reimport_and_a_newer_release_each_give_new_etags(make_app, tmp_path, database,
                                                            release, monkeypatch):
    live = tmp_path / "ossa.db"
    shutil.copyfile(database, live)
    monkeypatch.setattr(api.database, "RECHECK_SECONDS", 0)
    client = make_app(DATABASE=str(live)).test_client()
    etags = [client.get("/v1/drugs/anastrozole").headers["ETag"]]
    for date in ("10062025", "11032025"):  # the same concept again, in a newer release
        import_rxnorm(live, release(date))
        response = client.get("/v1/lookup/rxcui/9990001")
        assert response.get_json()["match"]["concept"]["release"] == (
            f"{date[4:]}-{date[:2]}-{date[2:4]}")
        etags.append(client.get("/v1/drugs/anastrozole").headers["ETag"])
    assert len(set(etags)) == 3
