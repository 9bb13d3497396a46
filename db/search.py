"""Typeahead over every name: exact > prefix > word prefix > substring > fuzzy, one row per drug."""

from rapidfuzz import fuzz

from db import names
from db.names import TYPE_ORDER
from db.text import normalize, span

EXACT, PREFIX, WORD_PREFIX, SUBSTRING = 1.0, 0.9, 0.8, 0.6
FUZZY_WEIGHT = 0.5  # fuzzy scores are similarity x 0.5, so they rank below every substring
FUZZY_CUTOFF = 70
ROWS_PER_STEP = 200  # enough rows to find `limit` distinct drugs among many names per drug


def _steps(conn, norm):
    """Yield (score, rows) tier by tier, best tier first."""
    yield EXACT, names.exact_names(conn, norm, curated=False)
    yield PREFIX, names.prefix_names(conn, norm, ROWS_PER_STEP)
    yield WORD_PREFIX, names.word_prefix_names(conn, norm, ROWS_PER_STEP)
    if len(norm) >= 3:
        yield SUBSTRING, names.substring_names(conn, norm, ROWS_PER_STEP)
        scored = [(row, fuzz.ratio(norm, row["norm"])) for row in names.candidates(conn, norm)]
        yield None, [({**row, "_fuzzy": s}) for row, s in scored if s >= FUZZY_CUTOFF]


def search_names(conn, q, *, limit):
    """Return {query, results} ranked best first, one row per drug."""
    norm = normalize(q)
    best = {}
    for score, rows in _steps(conn, norm) if norm else ():
        ranked = sorted(rows, key=lambda r: (-r.get("_fuzzy", 0), TYPE_ORDER[r["name_type"]],
                                             len(r["name"]), r["name"]))
        for row in ranked:
            if row["drug_id"] not in best:
                best[row["drug_id"]] = (row, score or FUZZY_WEIGHT * row["_fuzzy"] / 100)
        if len(best) >= limit:
            break
    ranked = sorted(best.values(), key=lambda pair: -pair[1])[:limit]  # stable: tier order kept
    return {"query": q, "results": [_result(row, score, norm) for row, score in ranked]}


def _result(row, score, norm):
    found = span(row["name"], norm) if "_fuzzy" not in row else None
    return {"drug_id": row["drug_id"], "name": row["name"], "name_type": row["name_type"],
            "generic_name": row["generic_name"], "score": round(score, 3),
            "span": {"start": found[0], "end": found[1]} if found else None}
