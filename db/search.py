"""Typeahead over every name: exact > prefix > word prefix > substring."""

from db.lookup import TYPE_ORDER
from db.text import normalize

RANKS = {"exact": 1.0, "prefix": 0.9, "word_prefix": 0.8, "substring": 0.6}


def search_names(conn, q, *, limit):
    """Return {query, results} ranked best first, one row per drug."""
    norm = normalize(q)
    if not norm:
        return {"query": q, "results": []}
    rows = conn.execute(
        """
        SELECT n.name, n.name_type, n.drug_id, d.generic_name,
               CASE WHEN n.norm = :q THEN :exact
                    WHEN substr(n.norm, 1, length(:q)) = :q THEN :prefix
                    WHEN instr(' ' || n.norm, ' ' || :q) > 0 THEN :word_prefix
                    ELSE :substring END AS score
        FROM names n JOIN drugs d ON d.id = n.drug_id
        WHERE instr(n.norm, :q) > 0
        """,
        {"q": norm, **RANKS},
    ).fetchall()
    best = {}
    for row in sorted(rows, key=lambda r: (-r["score"], TYPE_ORDER[r["name_type"]],
                                           len(r["name"]), r["name"])):
        best.setdefault(row["drug_id"], {
            "drug_id": row["drug_id"], "name": row["name"], "name_type": row["name_type"],
            "generic_name": row["generic_name"], "score": row["score"]})
    results = sorted(best.values(), key=lambda r: (-r["score"], len(r["name"]), r["name"]))
    return {"query": q, "results": results[:limit]}
