"""Validate the knowledge base files with marshmallow and return them as plain dicts."""

import csv
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

from db import CONTENT_DIR
from db.checks import check_references
from db.content_schemas import (
    AbbreviationSchema,
    AboutSchema,
    ClassSchema,
    DrugSchema,
    GuidanceSchema,
    InteractionSchema,
    ManagementSchema,
    SourceSchema,
)
from db.files import Collector, ContentError, list_files, load_file
from db.review_content import load_review_notes

__all__ = ["Content", "ContentError", "content_hash", "load_content"]


@dataclass
class Content:
    sources: list = field(default_factory=list)
    classes: list = field(default_factory=list)
    drugs: list = field(default_factory=list)
    interactions: list = field(default_factory=list)
    management: list = field(default_factory=list)
    guidance: list = field(default_factory=list)
    concepts: list = field(default_factory=list)
    about: dict = field(default_factory=dict)
    abbreviations: list = field(default_factory=list)
    review_notes: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # only when loaded with keep_going


def _load_record(path, schema, base):
    """Load a one-record file whose id must equal its file name."""
    record = load_file(path, schema, base)
    if record["id"] != path.stem:
        raise ContentError(f"{path.relative_to(base).as_posix()}: id: `{record['id']}` does not "
                           "match its file name")
    return record


def _load_lists(base, name, schema, collector, tag=False):
    """Load `<name>.yaml` and `<name>/*.yaml` (each a list of records) as one list."""
    items = []
    for path in list_files(base, name):
        loaded = collector.run(load_file, path, schema, base, True, default=[]) or []
        if tag:  # remember the file, so messages about an item can name it
            loaded = [{**item, "_file": path.relative_to(base).as_posix()} for item in loaded]
        items += loaded
    return items


def _records(base, folder, schema, collector):
    found = [collector.run(_load_record, p, schema, base)
             for p in sorted(base.glob(f"{folder}/*.yaml"))]
    return [record for record in found if record is not None]


def load_content(directory=CONTENT_DIR, keep_going=False):
    """Load and cross-check every content file in directory.

    With keep_going, errors are collected in `errors` instead of raised (the audit reports
    them all at once); otherwise the first error raises ContentError.
    """
    base = Path(directory)
    run = Collector(keep_going)
    content = Content(
        sources=_load_lists(base, "sources", SourceSchema(), run),
        classes=_records(base, "classes", ClassSchema(), run),
        drugs=_records(base, "drugs", DrugSchema(), run),
        interactions=_load_lists(base, "interactions", InteractionSchema(), run, tag=True),
        management=_load_lists(base, "management", ManagementSchema(), run),
        guidance=run.run(load_file, base / "guidance.yaml", GuidanceSchema(), base, True,
                         default=[]),
        concepts=_load_concepts(base / "rxnorm_concepts.csv"),
        about=run.run(load_file, base / "about.yaml", AboutSchema(), base, default={}),
        abbreviations=run.run(load_file, base / "abbreviations.yaml", AbbreviationSchema(), base,
                              True, default=[]),
        review_notes=run.run(load_review_notes, base, default={}),
    )
    check_references(content, run)
    known = {s["id"] for s in content.sources}
    for source in content.review_notes.get("sources", []):
        if source not in known:
            run.run(_unknown, "review_notes.yaml: sources", source)
    content.errors = run.errors
    return content


def _unknown(where, item):
    raise ContentError(f"{where}: unknown id `{item}`")


def _load_concepts(path):
    """Read the RxNorm concept list (optional file)."""
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def content_hash(directory=CONTENT_DIR):
    """Return a fingerprint of every content file (part of the dataset version)."""
    digest = hashlib.sha256()
    for path in sorted(Path(directory).rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".csv"):
            digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def main(argv):
    """Validate a content folder from the command line."""
    directory = Path(argv[1]) if len(argv) > 1 else CONTENT_DIR
    try:
        content = load_content(directory)
    except ContentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"ok: {len(content.drugs)} drugs, {len(content.classes)} classes, "
          f"{len(content.management)} strategies, {len(content.guidance)} guidance topics")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
