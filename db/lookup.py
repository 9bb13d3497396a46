"""Resolve one name or code to a drug, saying how it matched and how sure the match is.

Steps, first answer wins: exact name -> normalized name (salt words, biosimilar suffix, spacing)
-> free text (names found inside an EHR or prescription string) -> fuzzy (edit similarity).
"""

from rapidfuzz import fuzz

from db import NotFound
from db.drugs import get_drug, get_drugs
from db.matcher import drug_matcher
from db.names import candidates, exact_names, key_names
from db.text import normalize, squash, strip_dose, strip_salts

TYPE_ORDER = {"generic": 0, "brand": 1, "synonym": 2, "abbreviation": 3, "id": 4, "product": 5}
NORMALIZED_SCORE = 0.95  # same name once salt words, suffixes or spacing are set aside
TEXT_SCORE = 0.9  # a covered name found inside a longer string
FUZZY_CUTOFF = 80  # rapidfuzz ratio (0-100) a misspelling needs before we answer with it
AMBIGUITY_MARGIN = 0.03  # two drugs this close in score are reported as ambiguous, not guessed
SUGGEST_CUTOFF = 60


def _preferred(rows, typed=""):
    """Order rows: a name typed exactly as stored first, then by kind of name."""
    return sorted(rows, key=lambda r: (r["name"].casefold() != typed,
                                       TYPE_ORDER.get(r["name_type"], 9), r["name"]))


def _best_per_drug(scored):
    """Keep the best-scoring entry of each drug (the first one on ties), best first."""
    best = {}
    for row, score in scored:
        if row["drug_id"] not in best or score > best[row["drug_id"]][1]:
            best[row["drug_id"]] = (row, score)
    return sorted(best.values(), key=lambda pair: -pair[1])


def _exact(conn, name, norm):
    rows = _preferred(exact_names(conn, norm), name.strip().casefold())
    return _best_per_drug((row, 1.0) for row in rows), None


def _normalized(conn, name, norm):
    rows = _preferred(key_names(conn, normalize(strip_salts(name)), squash(name)))
    return _best_per_drug((row, NORMALIZED_SCORE) for row in rows), None


def _free_text(conn, name, norm):
    found = drug_matcher(conn).find(name)
    if found:
        rows = [{"name": _stored_name(conn, phrase, drug_id), "name_type": "text",
                 "drug_id": drug_id} for drug_id, phrase in found]
        return [(row, TEXT_SCORE) for row in rows], [drug_id for drug_id, _ in found]
    core = strip_dose(norm)
    if core and core != norm:
        ranked, _ = _exact(conn, core, core)
        ranked = ranked or _normalized(conn, core, core)[0]
        return [({**row, "name_type": "text"}, TEXT_SCORE) for row, _ in ranked], None
    return [], None


def _stored_name(conn, norm, drug_id):
    """Return the name as the knowledge base spells it ("Fulphila", not "fulphila")."""
    rows = [r for r in exact_names(conn, norm) if r["drug_id"] == drug_id]
    return _preferred(rows)[0]["name"] if rows else norm


def _fuzzy(conn, name, norm):
    query = strip_dose(norm) or norm
    scored = [(row, fuzz.ratio(query, row["norm"]) / 100)
              for row in _preferred(candidates(conn, query))]
    kept = [(row, min(score, 0.99)) for row, score in scored if score * 100 >= FUZZY_CUTOFF]
    return [({**row, "match": "fuzzy"}, s) for row, s in _best_per_drug(kept)], None


STEPS = (_exact, _normalized, _free_text, _fuzzy)


def lookup_name(conn, name):
    """Resolve a brand, generic, synonym, free-text or misspelled name to one drug."""
    norm = normalize(name)
    for step in STEPS if norm else ():
        ranked, contains = step(conn, name, norm)
        if ranked:
            return _answer(conn, name, ranked, contains)
    raise NotFound(f"No drug matches the name `{name.strip()}`.", suggestions=suggest(conn, name))


def _match_type(row):
    if row.get("match") == "fuzzy":
        return "fuzzy"
    return {"abbreviation": "synonym", "product": "text"}.get(row["name_type"], row["name_type"])


def _answer(conn, name, ranked, contains):
    (row, score), rest = ranked[0], ranked[1:]
    if contains:  # a combination product: every drug is an answer, none an alternative
        rest = []
    ambiguous = row["name_type"] == "abbreviation" or (
        bool(rest) and score - rest[0][1] <= AMBIGUITY_MARGIN)
    match = {"type": _match_type(row), "matched_name": row["name"], "score": round(score, 3),
             "ambiguous": ambiguous}
    if contains and len(contains) > 1:
        match["contains"] = contains
    return {"query": name, "match": match, "drug": get_drug(conn, row["drug_id"]),
            "alternatives": [_alternative(conn, r, s) for r, s in rest[:5]]}


def _alternative(conn, row, score):
    generic = row.get("generic_name") or get_drug(conn, row["drug_id"])["generic_name"]
    name_type = row["name_type"] if row["name_type"] in TYPE_ORDER else "generic"
    return {"drug_id": row["drug_id"], "name": row["name"], "name_type": name_type,
            "generic_name": generic, "score": round(score, 3)}


def closest(text, choices, limit=5):
    """Return the choices closest to text (for "did you mean" suggestions on ids)."""
    norm = normalize(text)
    scored = sorted(((fuzz.ratio(norm, normalize(c)), c) for c in choices), reverse=True)
    return [choice for score, choice in scored[:limit] if score >= SUGGEST_CUTOFF]


def suggest(conn, text, limit=5):
    """Return drug names that look like text, one per drug."""
    query = strip_dose(normalize(text)) or normalize(text)
    scored = [(row, fuzz.ratio(query, row["norm"])) for row in _preferred(candidates(conn, query))]
    kept = [(row, s) for row, s in scored
            if s >= SUGGEST_CUTOFF and row["name_type"] != "product"]
    return [row["name"] for row, _ in _best_per_drug(kept)[:limit]]


def lookup_code(conn, system, code):
    """Resolve an RxNorm or ATC code to its drug(s); the first is the answer."""
    rows = conn.execute(
        "SELECT drug_id, tty, name, retired, release FROM codes WHERE system = ? AND code = ?"
        " ORDER BY drug_id", (system, code),
    ).fetchall()
    if not rows:
        raise NotFound(f"No covered drug has the {system.upper()} code `{code}`.")
    drugs = get_drugs(conn, [r["drug_id"] for r in rows])
    first = rows[0]
    match = {
        "type": "code", "matched_name": first["name"] or code, "score": 1.0, "ambiguous": False,
        "concept": {"system": system, "code": code, "tty": first["tty"], "name": first["name"],
                    "retired": bool(first["retired"]), "release": first["release"]},
    }
    if len(drugs) > 1:  # a combination product names every covered drug it contains
        match["contains"] = [d["id"] for d in drugs]
    return {"query": code, "match": match, "drug": drugs[0], "alternatives": []}
