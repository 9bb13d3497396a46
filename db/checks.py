"""Cross-record rules for the knowledge base: references resolve and names are unique."""

from db.files import ContentError
from db.text import normalize

DRUG_BLOCKS = ("bone_joint", "bone_loss", "onj", "clinician")


def _require(known, ids, where):
    """Raise ContentError for the first id in ids that is not in known."""
    for item in ids:
        if item not in known:
            raise ContentError(f"{where}: unknown id `{item}`")


def block_citations(block):
    """Return every citation a block holds: its own, its incidences' and its actions'."""
    return ([*block.get("citations", [])]
            + [row["citation"] for row in block.get("incidence", [])]
            + [c for action in block.get("actions", []) for c in action["citations"]])


def _check_block(block, known, where):
    """Sources resolve, and every citation cites a source the block lists."""
    _require(known, block["sources"], f"{where}.sources")
    for citation in block_citations(block):
        if citation["source"] not in block["sources"]:
            raise ContentError(f"{where}.citations: `{citation['source']}` is cited but not "
                               f"listed in {where}.sources")


def check_references(content, collector):
    """Check every reference between records and the uniqueness of names."""
    sources = _unique_sources(content.sources, collector)
    classes = {c["id"] for c in content.classes}
    drugs = {d["id"]: d for d in content.drugs}
    strategies = {m["id"] for m in content.management}
    for cls in content.classes:
        collector.run(_check_block, cls, sources, f"classes/{cls['id']}.yaml")
    for item in content.management:
        where = f"management: {item['id']}"
        collector.run(_check_block, item, sources, where)
        collector.run(_require, drugs, item["drug_ids"], f"{where}.drug_ids")
    for topic in content.guidance:
        collector.run(_check_block, topic, sources, f"guidance.yaml: {topic['id']}")
    for drug in content.drugs:
        collector.run(_check_drug, drug, sources, classes, strategies)
    collector.run(_check_interactions, content.interactions, sources, drugs)
    owner = collector.run(_check_unique_names, content.drugs, default={})
    for item in content.abbreviations:
        collector.run(_check_abbreviation, item, drugs, sources, owner)


def _unique_sources(sources, collector):
    seen = {}
    for source in sources:
        if source["id"] in seen:
            collector.run(_raise, f"sources: id `{source['id']}` is defined twice")
        seen[source["id"]] = source
    return seen


def _raise(message):
    raise ContentError(message)


def _check_drug(drug, sources, classes, strategies):
    """Check one drug's references to classes, strategies and sources, and its citations."""
    where = f"drugs/{drug['id']}.yaml"
    _require(classes, [drug["drug_class"]], f"{where}: drug_class")
    _require(strategies, drug["management"], f"{where}: management")
    for section in DRUG_BLOCKS:
        _check_block(drug[section], sources, f"{where}: {section}")


def _check_interactions(interactions, sources, drugs):
    """Check the drugs and citations of every interaction; a pair may be described once."""
    seen = {}
    for i, item in enumerate(interactions):
        where = f"interactions: {item['_file']} #{i + 1}"
        _check_block(item, sources, where)
        first, second = item["between"]
        _require(drugs, first + second, f"{where}.between")
        for a in first:
            for b in second:
                pair = frozenset((a, b))
                if len(pair) == 1:
                    raise ContentError(f"{where}: `{a}` cannot interact with itself")
                if pair in seen:
                    raise ContentError(f"{where}: {a} + {b} is already described in {seen[pair]}")
                seen[pair] = where


def _check_unique_names(drugs):
    """Refuse a name (after normalizing) that two drugs claim."""
    owner = {}
    for drug in drugs:
        names = [drug["id"], drug["generic_name"], *drug["brand_names"], *drug["synonyms"]]
        for name in names:
            key = normalize(name)
            if owner.setdefault(key, drug["id"]) != drug["id"]:
                raise ContentError(
                    f"drugs/{drug['id']}.yaml: name `{name}` is already used by "
                    f"drugs/{owner[key]}.yaml"
                )
    return owner


def _check_abbreviation(item, drugs, sources, owner):
    where = f"abbreviations.yaml: {item['name']}"
    _require(drugs, item["drug_ids"], f"{where}.drug_ids")
    _require(sources, item["sources"], f"{where}.sources")
    if normalize(item["name"]) in owner:
        raise ContentError(f"{where}: already a name of drugs/{owner[normalize(item['name'])]}"
                           ".yaml")
