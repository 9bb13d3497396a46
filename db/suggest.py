""""Did you mean" suggestions: names and ids that look like what was sent."""

from rapidfuzz import fuzz

from db.names import TYPE_ORDER
from db.text import normalize, strip_dose
from db.vocabulary import vocabulary

SUGGEST_CUTOFF = 60


def best_per_drug(scored):
    """Keep the best-scoring entry of each drug (the first one on ties), best first."""
    best = {}
    for row, score in scored:
        if row["drug_id"] not in best or score > best[row["drug_id"]][1]:
            best[row["drug_id"]] = (row, score)
    return sorted(best.values(), key=lambda pair: -pair[1])


def preferred(rows, typed=""):
    """Order rows: a name typed exactly as stored first, then by kind of name."""
    return sorted(rows, key=lambda r: (r["name"].casefold() != typed,
                                       TYPE_ORDER.get(r["name_type"], 9), r["name"]))


def closest(text, choices, limit=5):
    """Return the choices closest to text (for "did you mean" suggestions on ids)."""
    norm = normalize(text)
    scored = sorted(((fuzz.ratio(norm, normalize(c)), c) for c in choices), reverse=True)
    return [choice for score, choice in scored[:limit] if score >= SUGGEST_CUTOFF]


def suggest(conn, text, limit=5):
    """Return drug names that look like text, one per drug."""
    query = strip_dose(normalize(text)) or normalize(text)
    return suggested_names(vocabulary(conn).similar(query, SUGGEST_CUTOFF), limit)


def suggested_names(similar, limit=5):
    """Return the names of a fuzzy scan's (row, score) pairs as suggestions, one per drug."""
    return [row["name"] for row, _ in best_per_drug(by_score(similar))[:limit]]


def by_score(scored):
    """Order (row, score) pairs best score first, then by kind of name, then name."""
    return sorted(scored, key=lambda p: (-p[1], TYPE_ORDER.get(p[0]["name_type"], 9),
                                         p[0]["name"]))
