"""`flask --app api db …`: build, migrate, load and check the database."""

import sqlite3
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from db import DatabaseError, dataset_info
from db import migrate as migrations
from db.audit import main as audit_main
from db.build import build, check_current, dataset_version, load
from db.content import load_content
from db.files import ContentError
from db.rxnorm import RxNormError, find_conso, import_rxnorm

db_cli = AppGroup("db", help="Build and inspect the ossa database.")


def _echo(message):
    click.echo(message, err=True)


def _fail(exc):
    raise click.ClickException(str(exc)) from exc


@db_cli.command("build")
@click.option("--if-outdated", is_flag=True, help="Do nothing when the database is current.")
def build_command(if_outdated):
    """Build the database from migrations and content, then swap it in atomically."""
    path = current_app.config["DATABASE"]
    if if_outdated:
        try:
            version = check_current(path)
            _echo(f"database {path} is current (dataset {version})")
            return
        except DatabaseError as exc:
            _echo(f"rebuilding: {exc}")
    started = time.perf_counter()
    try:
        build(path, progress=_echo)
    except (ContentError, DatabaseError, migrations.MigrationError) as exc:
        _fail(exc)
    _echo(f"done in {time.perf_counter() - started:.2f}s")


@db_cli.command("upgrade")
def upgrade_command():
    """Apply pending migrations to the database file in place."""
    conn = sqlite3.connect(current_app.config["DATABASE"])
    try:
        names = migrations.upgrade(conn, progress=_echo)
    except migrations.MigrationError as exc:
        _fail(exc)
    finally:
        conn.close()
    _echo(f"{len(names)} migration(s) applied")


@db_cli.command("load")
def load_command():
    """Validate the content files and load them into the migrated database in place."""
    conn = sqlite3.connect(current_app.config["DATABASE"])
    try:
        if migrations.pending(conn):
            raise DatabaseError("migrations are pending: run `flask --app api db upgrade` first")
        load(conn, load_content(), dataset_version(), progress=_echo)
    except (ContentError, DatabaseError, migrations.MigrationError) as exc:
        _fail(exc)
    finally:
        conn.close()


@db_cli.command("import-rxnorm")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def import_rxnorm_command(folder):
    """Add every concept and name of an RxNorm release that maps to a covered drug."""
    try:
        conso = find_conso(folder)
        with click.progressbar(length=conso.stat().st_size, label=f"reading {conso.name}",
                               file=sys.stderr) as bar:
            stats = import_rxnorm(current_app.config["DATABASE"], folder, progress=bar.update)
    except (RxNormError, DatabaseError) as exc:
        _fail(exc)
    _echo(f"imported RxNorm {stats['release']}: {stats['codes']} codes and {stats['names']} "
          "names of covered drugs")


@db_cli.command("audit")
@click.option("--only", multiple=True, metavar="TEXT",
              help="Show only records whose name contains TEXT (e.g. drugs/anastrozole).")
@click.option("--flags-only", is_flag=True, help="Print the flags, not every claim.")
def audit_command(only, flags_only):
    """List every claim's source and section; exit non-zero on any gap in the evidence."""
    argv = [f"--only={text}" for text in only] + (["--flags-only"] if flags_only else [])
    raise SystemExit(audit_main(argv))


@db_cli.command("check")
def check_command():
    """Exit non-zero unless the database holds the current dataset."""
    try:
        version = check_current(current_app.config["DATABASE"])
    except DatabaseError as exc:
        _fail(exc)
    conn = sqlite3.connect(current_app.config["DATABASE"])
    info = dataset_info(conn)
    conn.close()
    click.echo(f"ok: dataset {version}, last reviewed {info['last_reviewed']}")


cds_cli = AppGroup("cds", help="Inspect the CDS Hooks services.")


@cds_cli.command("feedback")
def feedback_command():
    """Print how clinicians answered the cards, per service, over every worker."""
    counts = current_app.extensions["ossa_state"].feedback_counts()
    if not counts:
        click.echo("no feedback received yet")
    for service, outcomes in sorted(counts.items()):
        click.echo(f"{service}: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))


def init_app(app):
    """Register the `db`, `cds` and `contract` command groups."""
    from api.contract import contract_cli

    app.cli.add_command(db_cli)
    app.cli.add_command(cds_cli)
    app.cli.add_command(contract_cli)
