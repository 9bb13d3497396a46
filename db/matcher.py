"""Find covered drugs named anywhere inside free text or an RxNorm product name."""

import json
import re

from db.text import bracketed, normalize

_cache = {}  # dataset version -> DrugMatcher (same version, same names)
MIN_PHRASE = 4  # shorter names ("AI", "SG") are too easy to find by accident inside text


class DrugMatcher:
    """A compiled word-boundary search over every curated name of every covered drug."""

    def __init__(self, names, exclusions):
        self.owner = {}
        for norm, drug_id in names:
            if len(norm) >= MIN_PHRASE:
                self.owner.setdefault(norm, set()).add(drug_id)
        self.exclusions = exclusions
        phrases = sorted(self.owner, key=len, reverse=True)  # longest phrase wins at a position
        self.regex = re.compile(r"(?<![0-9a-z])(" + "|".join(map(re.escape, phrases)) +
                                r")(?![0-9a-z])")

    def find(self, text):
        """Return [(drug_id, phrase)] for every covered drug named in text, in order."""
        norm = normalize(text)
        words = set(norm.split())
        found = []
        for phrase in self.regex.findall(norm):
            for drug_id in sorted(self.owner[phrase]):
                if not words & self.exclusions.get(drug_id, set()):
                    found.append((drug_id, phrase))
        return self._prefer_bracketed_brand(text, found)

    def _prefer_bracketed_brand(self, text, found):
        """Let a product's [Brand] pick its drug over a generic word it contains (Abraxane)."""
        brand = bracketed(text)
        owners = self.owner.get(normalize(brand), set()) if brand else set()
        if len(owners) != 1:
            return _distinct(found)
        (branded,) = owners
        own_names = {p for p, ids in self.owner.items() if branded in ids}
        kept = [(d, p) for d, p in found
                if d == branded or not any(p in name for name in own_names)]
        return _distinct([(branded, normalize(brand)), *kept])


def _distinct(found):
    seen, out = set(), []
    for drug_id, phrase in found:
        if drug_id not in seen:
            seen.add(drug_id)
            out.append((drug_id, phrase))
    return out


def drug_matcher(conn):
    """Return the matcher for this connection's dataset, compiled once per dataset version."""
    version = conn.execute("SELECT value FROM dataset WHERE key = 'version'").fetchone()[0]
    if version not in _cache:
        if len(_cache) > 8:
            _cache.clear()
        names = conn.execute(
            "SELECT norm, drug_id FROM names WHERE name_type IN ('generic', 'brand', 'synonym', "
            "'id')").fetchall()
        exclusions = {
            row[0]: {normalize(w) for w in json.loads(row[1]).get("name_exclusions", [])}
            for row in conn.execute("SELECT id, body FROM drugs")
        }
        _cache[version] = DrugMatcher([tuple(r) for r in names], exclusions)
    return _cache[version]
