"""Resolve one name or code to a drug, saying how it matched and how sure the match is."""

from rapidfuzz import fuzz, process

from db import NotFound
from db.drugs import get_drug, get_drugs
from db.text import normalize

# Which name wins when one normalized name is several kinds of name for the same drug.
TYPE_ORDER = {"generic": 0, "brand": 1, "synonym": 2, "id": 3}
FUZZY_CUTOFF = 80  # rapidfuzz ratio (0-100) a misspelling needs before we answer with it
AMBIGUITY_MARGIN = 3  # two drugs this close in score are reported as ambiguous, not guessed
SUGGEST_CUTOFF = 60

_vocabularies = {}


def vocabulary(conn):
    """Return every (norm, name, name_type, drug_id, generic_name), loaded once per database."""
    key = id(conn)
    if key not in _vocabularies:
        rows = conn.execute(
            "SELECT n.norm, n.name, n.name_type, n.drug_id, d.generic_name"
            " FROM names n JOIN drugs d ON d.id = n.drug_id ORDER BY n.norm"
        ).fetchall()
        _vocabularies[key] = [tuple(r) for r in rows]
    return _vocabularies[key]


def _alternative(entry, score):
    norm, name, name_type, drug_id, generic_name = entry
    return {"drug_id": drug_id, "name": name, "name_type": name_type,
            "generic_name": generic_name, "score": round(score, 3)}


def _best_per_drug(scored):
    """Keep the best-scoring entry of each drug, best first."""
    best = {}
    for entry, score in scored:
        drug_id = entry[3]
        if drug_id not in best or score > best[drug_id][1]:
            best[drug_id] = (entry, score)
    return sorted(best.values(), key=lambda pair: (-pair[1], TYPE_ORDER[pair[0][2]], pair[0][1]))


def _fuzzy(conn, norm, scorer, cutoff, limit=10):
    vocab = vocabulary(conn)
    hits = process.extract(norm, [v[0] for v in vocab], scorer=scorer,
                           score_cutoff=cutoff, limit=limit * 3)
    return _best_per_drug((vocab[index], score / 100) for _, score, index in hits)[:limit]


def closest(text, choices, limit=5):
    """Return the choices closest to text (for "did you mean" suggestions)."""
    hits = process.extract(normalize(text), choices, scorer=fuzz.ratio,
                           score_cutoff=SUGGEST_CUTOFF, limit=limit, processor=normalize)
    return [choice for choice, _, _ in hits]


def suggest(conn, text, limit=5):
    """Return drug names that look like text, one per drug."""
    norm = normalize(text)
    if not norm:
        return []
    return [alt[0][1] for alt in _fuzzy(conn, norm, fuzz.ratio, SUGGEST_CUTOFF, limit)]


def lookup_name(conn, name):
    """Resolve a brand, generic, synonym or misspelled name to one drug."""
    norm = normalize(name)
    exact = [v for v in vocabulary(conn) if v[0] == norm] if norm else []
    if exact:
        # a name typed exactly as stored (case aside) says which kind of name it is
        typed = name.strip().casefold()
        exact.sort(key=lambda entry: entry[1].casefold() != typed)
        ranked = _best_per_drug((entry, 1.0) for entry in exact)
        match_type = ranked[0][0][2]
    else:
        ranked = _fuzzy(conn, norm, fuzz.ratio, FUZZY_CUTOFF) if norm else []
        match_type = "fuzzy"
    if not ranked:
        raise NotFound(f"No drug matches the name `{name.strip()}`.",
                       suggestions=suggest(conn, name))
    (entry, score), rest = ranked[0], ranked[1:]
    ambiguous = bool(rest) and score - rest[0][1] <= AMBIGUITY_MARGIN / 100
    return {
        "query": name,
        "match": {"type": match_type, "matched_name": entry[1], "score": round(score, 3),
                  "ambiguous": ambiguous},
        "drug": get_drug(conn, entry[3]),
        "alternatives": [_alternative(e, s) for e, s in rest[:5]],
    }


def lookup_code(conn, system, code):
    """Resolve an RxNorm or ATC code to its drug(s); the first is the answer."""
    rows = conn.execute(
        "SELECT drug_id, tty, name, retired FROM codes WHERE system = ? AND code = ?"
        " ORDER BY drug_id", (system, code),
    ).fetchall()
    if not rows:
        raise NotFound(f"No covered drug has the {system.upper()} code `{code}`.")
    drugs = get_drugs(conn, [r["drug_id"] for r in rows])
    first = rows[0]
    return {
        "query": code,
        "match": {
            "type": "code", "matched_name": first["name"] or code, "score": 1.0,
            "ambiguous": len(rows) > 1,
            "concept": {"system": system, "code": code, "tty": first["tty"],
                        "name": first["name"], "retired": bool(first["retired"])},
        },
        "drug": drugs[0],
        "alternatives": [
            {"drug_id": d["id"], "name": d["generic_name"], "name_type": "generic",
             "generic_name": d["generic_name"], "score": 1.0}
            for d in drugs[1:]
        ],
    }
