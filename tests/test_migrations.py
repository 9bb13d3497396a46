"""The migration runner: ordered, atomic, recorded with checksums."""

import sqlite3

import pytest

from db import migrate


@pytest.fixture
def folder(tmp_path):
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_first.sql").write_text("CREATE TABLE a (x INTEGER);")
    (migrations / "0002_second.sql").write_text("CREATE TABLE b (y TEXT);")
    (migrations / "README.txt").write_text("not a migration")
    return migrations


def tables(conn):
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_upgrade_applies_pending_migrations_in_order_once(folder):
    conn = sqlite3.connect(":memory:")
    assert migrate.upgrade(conn, folder, progress=lambda m: None) == [
        "0001_first.sql", "0002_second.sql"]
    assert {"a", "b", "schema_migrations"} <= tables(conn)
    assert migrate.upgrade(conn, folder, progress=lambda m: None) == []
    recorded = conn.execute("SELECT name, length(checksum) FROM schema_migrations").fetchall()
    assert recorded == [("0001_first.sql", 64), ("0002_second.sql", 64)]


def test_a_failing_migration_leaves_neither_its_changes_nor_its_record(folder):
    (folder / "0003_broken.sql").write_text(
        "CREATE TABLE c (z INT); INSERT INTO nowhere VALUES (1);")
    conn = sqlite3.connect(":memory:")
    with pytest.raises(migrate.MigrationError, match="0003_broken.sql failed"):
        migrate.upgrade(conn, folder, progress=lambda m: None)
    assert "c" not in tables(conn)
    names = [r[0] for r in conn.execute("SELECT name FROM schema_migrations")]
    assert names == ["0001_first.sql", "0002_second.sql"]


def test_editing_an_applied_migration_is_an_error(folder):
    conn = sqlite3.connect(":memory:")
    migrate.upgrade(conn, folder, progress=lambda m: None)
    (folder / "0001_first.sql").write_text("CREATE TABLE a (x INTEGER, extra TEXT);")
    with pytest.raises(migrate.MigrationError, match="0001_first.sql was edited"):
        migrate.upgrade(conn, folder, progress=lambda m: None)


def test_the_migration_level_changes_with_any_file(folder):
    before = migrate.level(folder)
    (folder / "0003_third.sql").write_text("CREATE TABLE c (z INT);")
    assert migrate.level(folder) != before
