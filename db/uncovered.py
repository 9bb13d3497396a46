"""Medicines ossa recognises but has no record for: "not covered" told apart from "not found".

Two kinds of rows go into the `uncovered` table at build time:
- the drug-name dictionary that the PyPI package `drug-named-entity-recognition` ships (about
  107,000 generic and brand spellings of 20,000 medicines, from DrugBank, MeSH, MedlinePlus and
  others; MIT licence), read as data, never imported as code;
- RxNorm concepts of covered ingredients that are other products (`scope` in
  rxnorm_concepts.csv): eye, ear and skin forms of a systemic medicine (`local_form`) and other
  medicines sharing an ingredient code (`other_product`), by code and by name.
A dictionary spelling of a medicine ossa does cover (a translation such as "tamoxifeno", a
brand sold elsewhere such as "Genox", a chemical name) is `unverified_name`: ossa has not
checked that name against its record, so it points at the record instead of answering with it
(a close misspelling still resolves by fuzzy match first, see db.lookup).
docs/name-resolution.md has the measurements behind the choice of dictionary.
"""

import bz2
import importlib.metadata
import importlib.util
import pickle
from pathlib import Path

from db.text import normalize

PACKAGE = "drug_named_entity_recognition"
DISTRIBUTION = "drug-named-entity-recognition"
SCOPES = {"local": "local_form", "other": "other_product"}


def dictionary_version():
    """Return the version of the installed name dictionary (part of the dataset version)."""
    return importlib.metadata.version(DISTRIBUTION)


def _dictionary():
    """Read the package's name dictionary without importing the package (its import has side
    effects: it loads the file itself and reads caches in the home folder)."""
    spec = importlib.util.find_spec(PACKAGE)
    folder = Path(next(iter(spec.submodule_search_locations)))
    with bz2.open(folder / "drug_ner_dictionary.pkl.bz2", "rb") as fh:
        return pickle.load(fh)  # noqa: S301 - data shipped inside a pinned, trusted wheel


def uncovered_rows(concepts, by_name, covered_names):
    """Return the `uncovered` rows: scoped RxNorm concepts first, then the dictionary.

    by_name maps a normalized generic name or synonym to its drug id; covered_names maps
    every normalized name ossa answers for (brands too) to its drug id.
    """
    rows = {}
    for concept in concepts:
        reason = SCOPES.get(concept.get("scope") or "")
        if not reason:
            continue
        drug_id = by_name[normalize(concept["drug"])]
        row = {"name": concept["name"], "rxcui": concept["rxcui"], "reason": reason,
               "covered_form": drug_id}
        rows.setdefault(("code", concept["rxcui"]), {"kind": "code", "key": concept["rxcui"],
                                                     **row})
        rows.setdefault(("name", normalize(concept["name"])),
                        {"kind": "name", "key": normalize(concept["name"]), **row})
    for variant, canonicals in _dictionary()["drug_variant_to_canonical"].items():
        key = normalize(variant)
        if key and canonicals:
            canonical = normalize(canonicals[0])
            drug_id = by_name.get(canonical) or covered_names.get(canonical)
            rows.setdefault(("name", key), {
                "kind": "name", "key": key, "name": canonicals[0], "rxcui": None,
                "reason": "unverified_name" if drug_id else "not_in_knowledge_base",
                "covered_form": drug_id})
    return list(rows.values())


def recognize(conn, *norms):
    """Return the first `uncovered` name row among norms, or None."""
    for norm in dict.fromkeys(norms):  # each distinct key once: a name's core is often itself
        if norm:
            row = conn.execute("SELECT name, rxcui, reason, covered_form FROM uncovered"
                               " WHERE kind = 'name' AND key = ?", (norm,)).fetchone()
            if row:
                return dict(row)
    return None


def uncovered_code(conn, code):
    """Return the `uncovered` row of an RxNorm code, or None."""
    row = conn.execute("SELECT name, rxcui, reason, covered_form FROM uncovered"
                       " WHERE kind = 'code' AND key = ?", (code,)).fetchone()
    return dict(row) if row else None
