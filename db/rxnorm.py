"""Import a user-supplied RxNorm release: every concept and name that maps to a covered drug."""

import hashlib
import re
import shutil
import sqlite3
from pathlib import Path

from db import DatabaseError
from db.build import rebuild_name_index
from db.rows import PRODUCT_TTYS, name_row
from db.text import bracketed, normalize
from db.vocabulary import drug_matcher

TTYS = PRODUCT_TTYS | {"IN", "PIN", "MIN", "BN", "PSN", "SY", "TMSY"}
NAME_TYPES = {"BN": "brand", "IN": "synonym", "PIN": "synonym"}  # others: product names
ALIASES = {"PSN", "SY", "TMSY"}  # extra names of a concept, not its own term type


class RxNormError(Exception):
    """The folder is not an RxNorm release, or its files cannot be read."""


def find_conso(folder):
    """Return the RXNCONSO.RRF of a release folder (full or prescribable)."""
    folder = Path(folder)
    for path in (folder / "RXNCONSO.RRF", folder / "rrf" / "RXNCONSO.RRF"):
        if path.is_file():
            return path
    raise RxNormError(f"{folder}: not an RxNorm release: no RXNCONSO.RRF in it or in its rrf/ "
                      "folder (unzip RxNorm_full_MMDDYYYY.zip or the prescribable release and "
                      "pass the unzipped folder)")


def release_of(folder):
    """Read the release date from the folder name (RxNorm_full_10062025 -> 2025-10-06)."""
    found = re.search(r"(\d{2})(\d{2})(\d{4})", Path(folder).resolve().name)
    return f"{found[3]}-{found[1]}-{found[2]}" if found else None


def read_concepts(path, progress):
    """Yield (rxcui, tty, name) of current English RxNorm atoms; report bytes read."""
    with path.open("rb") as fh:
        for line in fh:
            progress(len(line))
            cols = line.decode("utf-8", "replace").split("|")
            if len(cols) < 17:
                raise RxNormError(f"{path}: not RRF (expected | separated columns): {line[:80]!r}")
            if cols[11] == "RXNORM" and cols[1] == "ENG" and cols[16] == "N" and cols[12] in TTYS:
                yield cols[0], cols[12], cols[14]


def _map(conn, concepts):
    """Return (codes, names): each concept mapped to the covered drugs its name names."""
    matcher, codes, names, brands, pending = drug_matcher(conn), {}, {}, {}, []
    for rxcui, tty, text in concepts:
        if tty == "BN":
            pending.append((rxcui, text))  # a bare brand names no drug: map it through its SBDs
            continue
        drug_ids = [d for d, _ in matcher.find(text)]
        if len(drug_ids) == 1 and (label := bracketed(text)):
            brands[normalize(label)] = drug_ids[0]
        for drug_id in drug_ids:
            if tty not in ALIASES:
                codes[(rxcui, drug_id)] = (tty, text)
            if len(drug_ids) == 1:
                names[(normalize(text), drug_id)] = (text, NAME_TYPES.get(tty, "product"))
    for rxcui, text in pending:
        if drug_id := brands.get(normalize(text)):
            codes[(rxcui, drug_id)] = ("BN", text)
            names[(normalize(text), drug_id)] = (text, "brand")
    return codes, names


def import_rxnorm(db_path, folder, progress=lambda n: None):
    """Import the release at folder into a copy of the database, then swap it in atomically."""
    conso = find_conso(folder)
    release = release_of(folder) or "unknown"
    db_path = Path(db_path)
    if not db_path.is_file():
        raise DatabaseError(f"database {db_path} does not exist; run `make db` first")
    tmp = db_path.with_name(f".{db_path.name}.rxnorm.tmp")
    shutil.copyfile(db_path, tmp)
    try:
        conn = sqlite3.connect(tmp)
        stats = _write(conn, _map(conn, read_concepts(conso, progress)), release)
        conn.close()
        tmp.replace(db_path)
    finally:
        tmp.unlink(missing_ok=True)
    return stats


def _write(conn, mapped, release):
    codes, names = mapped
    with conn:
        conn.executemany(
            "INSERT INTO codes (system, code, drug_id, tty, name, retired, release)"
            " VALUES ('rxnorm', ?, ?, ?, ?, 0, ?) ON CONFLICT (system, code, drug_id)"
            " DO UPDATE SET tty = excluded.tty, name = excluded.name, release = excluded.release",
            [(rxcui, d, tty, text, release) for (rxcui, d), (tty, text) in codes.items()])
        rows = [name_row(text, d, kind) for (_, d), (text, kind) in names.items()]
        conn.executemany(
            "INSERT OR IGNORE INTO names (name, norm, squash, drug_id, name_type)"
            " VALUES (:name, :norm, :squash, :drug_id, :name_type)", rows)
        rebuild_name_index(conn)
        _stamp(conn, release)
    return {"release": release, "codes": len(codes), "names": len(names)}


def _stamp(conn, release):
    """Record the import and give the data a new version (so ETags change with it)."""
    # Everything the import changes that answers show: codes with their term types and
    # releases, and names; a newer release of the same codes still makes a new version.
    fingerprint = hashlib.sha256(release.encode())
    for table, columns in (("codes", "code, drug_id, tty, name, release"),
                           ("names", "norm, drug_id, name_type")):
        for row in conn.execute(f"SELECT {columns} FROM {table} ORDER BY {columns}"):
            fingerprint.update(("\t".join(str(v) for v in row) + "\n").encode())
    base = conn.execute("SELECT value FROM dataset WHERE key = 'version'").fetchone()[0]
    version = f"{base.split('+')[0]}+rx{fingerprint.hexdigest()[:8]}"
    conn.executemany("INSERT OR REPLACE INTO dataset (key, value) VALUES (?, ?)",
                     [("version", version), ("rxnorm_import_release", release)])
