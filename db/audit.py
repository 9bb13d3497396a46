"""The content audit: every claim with its source and section, and every gap in the evidence.

`flask --app api db audit` prints, per record, each block's citations (source, section) and then
the flags; it exits non-zero on any flag. `make test` runs it. A flag is one of:
- a source a block lists without any citation of it in that block (a label without a section);
- a block that states something (text, a warning, a level) but cites nothing;
- a label citation whose section does not name a part of a label;
- a label source without the URL of the copy read;
- a source nobody cites, a placeholder (TODO) left in a file, a load error;
- a patient summary above US grade 8 (Flesch-Kincaid).
"""

import re
from dataclasses import dataclass, field

import textstat

from db.checks import DRUG_BLOCKS, block_citations

MAX_GRADE = 8.0
CODE_SOURCES = ("rxnorm-2025-10-06", "who-atc-2026-04-25")
PLACEHOLDER = re.compile(r"\bTODO\b|example\.invalid")
# What a label citation may name: a numbered section, or a part of the label by its heading.
LABEL_SECTION = re.compile(
    r"^([0-9]+(\.[0-9]+)*\b|Highlights|Boxed Warning|Warnings|Precautions|Adverse Reactions|"
    r"Drug Interactions|Contraindications|Indications|Dosage|Clinical Pharmacology|"
    r"Clinical Studies|Patient Counseling|Medication Guide|Patient Information|Overdosage|"
    r"Use in Specific Populations|Description|How Supplied|Postmarketing|Recent Major Changes)",
    re.IGNORECASE)


@dataclass
class Report:
    claims: dict = field(default_factory=dict)  # record -> [(block, source, section)]
    flags: list = field(default_factory=list)  # (record, message)

    def flag(self, record, message):
        self.flags.append((record, message))


def grade(text):
    """Return the US school grade of text by the Flesch-Kincaid formula."""
    return textstat.flesch_kincaid_grade(text)


def patient_summaries(content):
    """Yield (record, field, text) for every text written for patients as a summary."""
    for drug in content.drugs:
        yield f"drugs/{drug['id']}", "bone_joint.summary", drug["bone_joint"]["summary"]
    for cls in content.classes:
        yield f"classes/{cls['id']}", "summary", cls["summary"]
    for topic in content.guidance:
        yield f"guidance/{topic['id']}", "summary", topic["summary"]


def _blocks(content):
    """Yield (record, block name, block) for every part of the content that cites sources."""
    for drug in content.drugs:
        for name in DRUG_BLOCKS:
            yield f"drugs/{drug['id']}", name, drug[name]
    for item in content.interactions:
        first, second = item["between"]
        yield f"interactions/{'+'.join(first)}~{'+'.join(second)}", "interaction", item
    for cls in content.classes:
        yield f"classes/{cls['id']}", "class", cls
    for item in content.management:
        yield f"management/{item['id']}", "strategy", item
    for topic in content.guidance:
        yield f"guidance/{topic['id']}", "topic", topic


def _states_something(name, block):
    if name == "bone_loss":
        return block["warning"] or block["detail"] or any(
            v != "no_known_effect" for v in block["by_menopausal_status"].values())
    if name == "onj":
        return block["warning"] or block["detail"]
    return True  # bone_joint, clinician, interactions, classes, strategies, topics always do


def _check_block(report, record, name, block, sources):
    citations = block_citations(block)
    for citation in citations:
        report.claims.setdefault(record, []).append((name, citation["source"],
                                                     citation["section"]))
        source = sources.get(citation["source"])
        if source and source["kind"] == "label" and not LABEL_SECTION.match(citation["section"]):
            report.flag(record, f"{name}: `{citation['section']}` does not name a section of "
                                f"the label {citation['source']}")
    cited = {c["source"] for c in citations}
    for source_id in block["sources"]:
        if source_id not in cited:
            kind = sources.get(source_id, {}).get("kind", "source")
            report.flag(record, f"{name}: lists the {kind} {source_id} but cites no section of it")
    if _states_something(name, block) and not citations:
        report.flag(record, f"{name}: states facts with no citation")


def _walk_strings(value, path=""):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk_strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk_strings(item, f"{path}.{i}")


def audit(content):
    """Return the Report of a content set loaded with keep_going (its errors are flags too)."""
    report = Report()
    for error in content.errors:
        report.flag(error.split(":", 1)[0], f"load error: {error}")
    sources = {s["id"]: s for s in content.sources}
    for record, name, block in _blocks(content):
        _check_block(report, record, name, block, sources)
    for source in content.sources:
        if source["kind"] == "label" and not source["url"]:
            report.flag(f"sources/{source['id']}", "a label source needs the URL of the copy read")
    used = _used_sources(content)
    for source in content.sources:
        if source["id"] not in used:
            report.flag(f"sources/{source['id']}", "defined but cited by no record")
    for record, path, text in _texts(content):
        if PLACEHOLDER.search(text):
            report.flag(record, f"{path}: placeholder left: {text[:60]!r}")
    for record, path, text in patient_summaries(content):
        if (level := grade(text)) > MAX_GRADE:
            report.flag(record, f"{path}: reads at grade {level:.1f} (at most {MAX_GRADE:.0f})")
    return report


def _texts(content):
    groups = [("drugs", content.drugs, "id"), ("classes", content.classes, "id"),
              ("management", content.management, "id"), ("guidance", content.guidance, "id"),
              ("sources", content.sources, "id")]
    for folder, records, key in groups:
        for record in records:
            for path, text in _walk_strings(record):
                yield f"{folder}/{record[key]}", path, text
    for item in content.interactions:
        for path, text in _walk_strings(item):
            yield f"interactions/{item['_file']}", path, text


def _used_sources(content):
    used = set()
    for _, _, block in _blocks(content):
        used.update(block["sources"])
    for item in content.abbreviations:
        used.update(item["sources"])
    used.update(content.review_notes.get("sources", []))
    if content.drugs:  # every drug's codes cite the code systems
        used.update(CODE_SOURCES)
    return used


def render(report, only=()):
    """Return the report as text lines, limited to records whose name contains one of only."""
    def wanted(record):
        return not only or any(part in record for part in only)

    lines = []
    for record, claims in sorted(report.claims.items()):
        if wanted(record):
            lines.append(record)
            lines += [f"  {block}: {source} · {section}" for block, source, section in claims]
    flags = [(r, m) for r, m in report.flags if wanted(r)]
    lines.append(f"{len(flags)} flag(s)")
    lines += [f"FLAG {record}: {message}" for record, message in flags]
    return lines, flags


def main(argv=None):
    """Run the audit from the command line (the same as `flask --app api db audit`)."""
    import argparse

    from db.content import load_content

    parser = argparse.ArgumentParser(prog="python -m db.audit", description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="show only records whose name contains TEXT (repeatable)")
    parser.add_argument("--flags-only", action="store_true", help="print the flags only")
    args = parser.parse_args(argv)
    lines, flags = render(audit(load_content(keep_going=True)), args.only)
    print("\n".join(lines[-len(flags) - 1:] if args.flags_only else lines))
    return 1 if flags else 0


if __name__ == "__main__":
    raise SystemExit(main())
