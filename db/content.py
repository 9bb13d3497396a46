"""Validate the knowledge base files with marshmallow and return them as plain dicts."""

import csv
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from marshmallow import ValidationError

from db import CONTENT_DIR
from db.checks import ContentError, check_references
from db.content_schemas import (
    AbbreviationSchema,
    AboutSchema,
    ClassSchema,
    DrugSchema,
    GuidanceSchema,
    ManagementSchema,
    SourceSchema,
)


class _Loader(yaml.SafeLoader):
    """YAML loader that keeps dates as strings, so they validate like any text."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Content:
    sources: list = field(default_factory=list)
    classes: list = field(default_factory=list)
    drugs: list = field(default_factory=list)
    management: list = field(default_factory=list)
    guidance: list = field(default_factory=list)
    concepts: list = field(default_factory=list)
    about: dict = field(default_factory=dict)
    abbreviations: list = field(default_factory=list)
    review_notes: dict = field(default_factory=dict)


def _flatten(messages, prefix=""):
    """Yield "field.path: message" lines from marshmallow's nested error dict."""
    for key, value in messages.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            yield from _flatten(value, path)
        else:
            yield f"{path}: {' '.join(map(str, value))}"


def _load(path, schema, base, many=False):
    """Parse one YAML file and validate it; raise ContentError naming the file and field."""
    name = path.relative_to(base).as_posix()
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
        return schema.load(raw, many=many)
    except OSError as exc:
        raise ContentError(f"{name}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ContentError(f"{name}: not valid YAML: {exc}") from exc
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
        raise ContentError(f"{name}: " + "; ".join(_flatten(messages))) from exc


def _load_record(path, schema, base):
    """Load a one-record file whose id must equal its file name."""
    record = _load(path, schema, base)
    if record["id"] != path.stem:
        raise ContentError(f"{path.relative_to(base).as_posix()}: id: `{record['id']}` does not "
                           "match its file name")
    return record


def load_content(directory=CONTENT_DIR):
    """Load and cross-check every content file in directory."""
    base = Path(directory)
    content = Content(
        sources=_load(base / "sources.yaml", SourceSchema(), base, many=True),
        classes=[_load_record(p, ClassSchema(), base)
                 for p in sorted(base.glob("classes/*.yaml"))],
        drugs=[_load_record(p, DrugSchema(), base) for p in sorted(base.glob("drugs/*.yaml"))],
        management=_load(base / "management.yaml", ManagementSchema(), base, many=True),
        guidance=_load(base / "guidance.yaml", GuidanceSchema(), base, many=True),
        concepts=_load_concepts(base / "rxnorm_concepts.csv"),
        about=_load(base / "about.yaml", AboutSchema(), base),
        abbreviations=_load(base / "abbreviations.yaml", AbbreviationSchema(), base, many=True),
    )
    check_references(content)
    from db.review_content import load_review_notes  # it builds on this module's schemas

    content.review_notes = load_review_notes(base)
    return content


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
