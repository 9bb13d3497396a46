"""`flask --app api db …` commands and the start-up checks on the database."""

import sqlite3

import pytest

from api import create_app
from db import ROOT, DatabaseError
from db.build import dataset_version


def test_build_reports_progress_and_is_skipped_when_current(tmp_path):
    path = tmp_path / "new.db"
    runner = create_app({"DATABASE": str(path), "CHECK_DATABASE": False}).test_cli_runner()
    result = runner.invoke(args=["db", "build"])
    assert result.exit_code == 0, result.output
    for step in ("validating content", "applying migration 0001_initial.sql", "drugs:",
                 f"dataset {dataset_version()}"):
        assert step in result.output
    again = runner.invoke(args=["db", "build", "--if-outdated"])
    assert "is current" in again.output
    assert runner.invoke(args=["db", "check"]).exit_code == 0


def test_upgrade_then_load_builds_the_same_data_in_place(tmp_path, database):
    path = tmp_path / "inplace.db"
    runner = create_app({"DATABASE": str(path), "CHECK_DATABASE": False}).test_cli_runner()
    migrations = sorted(p.name for p in (ROOT / "migrations").glob("[0-9]*.sql"))
    upgraded = runner.invoke(args=["db", "upgrade"]).output
    assert f"{len(migrations)} migration(s) applied" in upgraded
    assert all(f"applying migration {name}" in upgraded for name in migrations)
    assert runner.invoke(args=["db", "load"]).exit_code == 0
    assert runner.invoke(args=["db", "check"]).exit_code == 0
    count = "SELECT count(*) FROM names"
    with sqlite3.connect(path) as fresh, sqlite3.connect(database) as built:
        assert fresh.execute(count).fetchone() == built.execute(count).fetchone()


def test_load_refuses_an_unmigrated_database(tmp_path):
    runner = create_app({"DATABASE": str(tmp_path / "empty.db"),
                        "CHECK_DATABASE": False}).test_cli_runner()
    result = runner.invoke(args=["db", "load"])
    assert result.exit_code == 1 and "db upgrade" in result.output


@pytest.mark.parametrize("setup", ["missing", "empty", "outdated"])
def test_the_app_refuses_to_start_on_a_bad_database_and_names_the_fix(tmp_path, database, setup):
    path = tmp_path / "bad.db"
    if setup == "empty":
        sqlite3.connect(path).close()
    if setup == "outdated":
        path.write_bytes(database.read_bytes())
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE dataset SET value = 'old' WHERE key = 'version'")
    with pytest.raises(DatabaseError, match="make db"):
        create_app({"DATABASE": str(path)})


def test_the_api_cannot_write_to_its_database(app):
    from api.database import get_db

    with app.app_context(), pytest.raises(sqlite3.OperationalError, match="readonly"):
        get_db().execute("DELETE FROM drugs")


def test_readyz_is_503_when_the_database_disappears(tmp_path, database):
    path = tmp_path / "gone.db"
    path.write_bytes(database.read_bytes())
    app = create_app({"DATABASE": str(path)})
    path.unlink()
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
