"""Indexed queries over `names`: exact keys, prefixes, words, substrings, fuzzy candidates.

Every query here uses an index (the norm/squash b-trees or the FTS5 tables): none reads every
name, so the cost grows with the answers, not with the vocabulary.
"""

from collections import Counter


def _rows(cursor):
    return [dict(row) for row in cursor]


ROW = "SELECT n.id, n.name, n.norm, n.name_type, n.drug_id, d.generic_name FROM names n" \
      " JOIN drugs d ON d.id = n.drug_id"
CURATED = "n.name_type != 'product'"  # product names serve typeahead, not lookup
POSTING_CAP = 400  # rowid order keeps curated names (loaded first) in every truncated list
CANDIDATES = 40
# How names rank when several match equally: the generic name first, product names last.
TYPE_ORDER = {"generic": 0, "brand": 1, "synonym": 2, "abbreviation": 3, "id": 4,
              "combination": 5, "product": 6}


def exact_names(conn, norm, *, curated=True):
    """Return the names (by default only curated ones) equal to norm."""
    where = f"n.norm = ? AND {CURATED}" if curated else "n.norm = ?"
    return _rows(conn.execute(f"{ROW} WHERE {where}", (norm,)))


def key_names(conn, norm, squashed):
    """Return the curated names equal to norm, or equal to squashed once spaces are removed."""
    return _rows(conn.execute(f"{ROW} WHERE (n.norm = ? OR n.squash = ?) AND {CURATED}",
                              (norm, squashed)))


def prefix_names(conn, norm, limit):
    """Return names that start with norm (a range scan on the norm index)."""
    return _rows(conn.execute(f"{ROW} WHERE n.norm >= ? AND n.norm < ? ORDER BY n.norm LIMIT ?",
                              (norm, norm + "\U0010ffff", limit)))


def word_prefix_names(conn, norm, limit):
    """Return names with a word sequence that starts with norm ("dx" finds "t dxd")."""
    phrase = '"' + norm.replace('"', '""') + '"*'
    return _rows(conn.execute(f"{ROW} JOIN names_words w ON w.rowid = n.id"
                              " WHERE names_words MATCH ? LIMIT ?", (phrase, limit)))


def substring_names(conn, norm, limit):
    """Return names containing norm anywhere (trigram index; norm needs 3+ characters)."""
    phrase = '"' + norm.replace('"', '""') + '"'
    return _rows(conn.execute(f"{ROW} JOIN names_trigrams t ON t.rowid = n.id"
                              " WHERE names_trigrams MATCH ? LIMIT ?", (phrase, limit)))


def candidates(conn, norm, limit=CANDIDATES):
    """Return the names sharing the most trigrams with norm: the fuzzy candidates."""
    grams = {norm[i:i + 3] for i in range(len(norm) - 2)} - {"   "}
    if not grams:
        return []
    votes = Counter()
    for gram in grams:
        phrase = '"' + gram.replace('"', '""') + '"'
        votes.update(r[0] for r in conn.execute(
            "SELECT rowid FROM names_trigrams WHERE names_trigrams MATCH ? LIMIT ?",
            (phrase, POSTING_CAP)))
    ids = [name_id for name_id, _ in votes.most_common(limit)]
    marks = ",".join("?" * len(ids))
    return _rows(conn.execute(f"{ROW} WHERE n.id IN ({marks})", ids)) if ids else []
