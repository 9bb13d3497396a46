"""The curated names of a dataset, in memory: exact and space-free keys, phrases, fuzzy choices.

Built once per dataset version in each process (a few thousand names: milliseconds, about a
megabyte), so resolving a name costs dictionary lookups and one bounded rapidfuzz scan, and no
SQL until a drug is chosen. Product names ("anastrozole 1 MG Oral Tablet") stay in SQLite for
typeahead; they never decide a lookup.
"""

import json
import threading

from rapidfuzz import fuzz, process

from db.matcher import DrugMatcher
from db.text import normalize

PHRASE_TYPES = ("generic", "brand", "synonym", "id", "combination")
_cache, _lock = {}, threading.Lock()


class Vocabulary:
    """Every curated name (generic, brand, synonym, id, abbreviation) of every covered drug."""

    def __init__(self, rows, records):
        self.rows = rows
        self.by_norm, self.by_squash = {}, {}
        for row in rows:
            self.by_norm.setdefault(row["norm"], []).append(row)
            self.by_squash.setdefault(row["squash"], []).append(row)
        exclusions = {drug_id: {normalize(w) for w in body.get("name_exclusions", [])}
                      for drug_id, body in records.items()}
        self.matcher = DrugMatcher([(r["norm"], r["drug_id"]) for r in rows
                                    if r["name_type"] in PHRASE_TYPES], exclusions)
        self.routes = {drug_id: set(body["routes"]) for drug_id, body in records.items()}
        self.records = records  # every drug record, parsed once: shared, never to be changed
        self.choices = [row["norm"] for row in rows]
        self.longest = max((len(c) for c in self.choices), default=0)

    def exact(self, norm):
        """Return the rows whose normalized name is norm."""
        return list(self.by_norm.get(norm, ()))

    def keyed(self, norm, squashed):
        """Return the rows equal to norm, or equal to squashed once spaces are removed."""
        rows = self.by_norm.get(norm, []) + self.by_squash.get(squashed, [])
        return list({id(r): r for r in rows}.values())

    def similar(self, query, cutoff, limit=40):
        """Return [(row, score 0-100)] of the names most like query, best first.

        A query more than 2.5 times the longest name cannot reach any cutoff used here (the
        ratio is 2*matches/(len(a)+len(b))), so it is not scanned at all.
        """
        if not query or len(query) > 2.5 * self.longest:
            return []
        hits = process.extract(query, self.choices, scorer=fuzz.ratio, score_cutoff=cutoff,
                               limit=limit)
        return [(self.rows[index], score) for _, score, index in hits]


def vocabulary(conn):
    """Return the vocabulary of this connection's dataset, built once per version."""
    version = conn.execute("SELECT value FROM dataset WHERE key = 'version'").fetchone()[0]
    found = _cache.get(version)
    if found is None:
        with _lock:
            found = _cache.get(version) or _build(conn)
            if len(_cache) > 4:
                _cache.clear()
            _cache[version] = found
    return found


def _build(conn):
    cursor = conn.execute(
        "SELECT n.name, n.norm, n.squash, n.drug_id, n.name_type, d.generic_name FROM names n"
        " JOIN drugs d ON d.id = n.drug_id WHERE n.name_type != 'product' ORDER BY n.id")
    columns = [c[0] for c in cursor.description]  # any connection, with or without Row
    rows = [dict(zip(columns, row, strict=True)) for row in cursor]
    records = {r[0]: json.loads(r[1]) for r in conn.execute("SELECT id, body FROM drugs")}
    return Vocabulary(rows, records)


def drug_matcher(conn):
    """Return the phrase matcher of this connection's dataset."""
    return vocabulary(conn).matcher
