"""Cross-record rules for the knowledge base: references resolve and names are unique."""

from db.text import normalize


class ContentError(Exception):
    """A content file is invalid; the message names the file and the field."""


def _require(known, ids, where):
    """Raise ContentError for the first id in ids that is not in known."""
    for item in ids:
        if item not in known:
            raise ContentError(f"{where}: unknown id `{item}`")


def check_references(content):
    """Check every reference between records and the uniqueness of names."""
    sources = {s["id"] for s in content.sources}
    classes = {c["id"] for c in content.classes}
    drugs = {d["id"]: d for d in content.drugs}
    strategies = {m["id"] for m in content.management}
    for cls in content.classes:
        _require(sources, cls["sources"], f"classes/{cls['id']}.yaml: sources")
    for item in content.management:
        _require(sources, item["sources"], f"management.yaml: {item['id']}.sources")
        _require(drugs, item["drug_ids"], f"management.yaml: {item['id']}.drug_ids")
    for topic in content.guidance:
        _require(sources, topic["sources"], f"guidance.yaml: {topic['id']}.sources")
    for drug in content.drugs:
        _check_drug(drug, sources, classes, drugs, strategies)
    owner = _check_unique_names(content.drugs)
    for item in content.abbreviations:
        where = f"abbreviations.yaml: {item['name']}"
        _require(drugs, item["drug_ids"], f"{where}.drug_ids")
        _require(sources, item["sources"], f"{where}.sources")
        if normalize(item["name"]) in owner:
            raise ContentError(f"{where}: already a name of drugs/{owner[normalize(item['name'])]}"
                               ".yaml")


def _check_drug(drug, sources, classes, drugs, strategies):
    """Check one drug's references to classes, strategies, sources and other drugs."""
    where = f"drugs/{drug['id']}.yaml"
    _require(classes, [drug["drug_class"]], f"{where}: drug_class")
    _require(strategies, drug["management"], f"{where}: management")
    _require(sources, drug["sources"], f"{where}: sources")
    for section in ("bone_joint", "bone_loss", "onj"):
        _require(sources, drug[section]["sources"], f"{where}: {section}.sources")
    for i, inter in enumerate(drug["interactions"]):
        _require(drugs, [inter["drug_id"]], f"{where}: interactions.{i}.drug_id")
        _require(sources, inter["sources"], f"{where}: interactions.{i}.sources")
        back = [x for x in drugs[inter["drug_id"]]["interactions"] if x["drug_id"] == drug["id"]]
        if not back:
            raise ContentError(
                f"{where}: interactions.{i}: drugs/{inter['drug_id']}.yaml lacks the reverse entry"
            )


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
