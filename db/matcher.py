"""Find covered drugs named anywhere inside free text or an RxNorm product name.

Names are matched as whole word sequences: the text's words are looked up as n-grams (longest
first at each position) in a dictionary of every curated name, so the cost grows with the
number of words in the text, never with the size of the vocabulary.
"""

from db.text import bracketed, normalize

MIN_PHRASE = 4  # shorter names ("AI", "SG") are too easy to find by accident inside text
MAX_WORDS = 64  # words of a text examined (a name is found in its first MAX_WORDS words)


class DrugMatcher:
    """Every curated name of every covered drug, keyed by its normalized words."""

    def __init__(self, names, exclusions):
        self.owner, self.names_of = {}, {}
        for norm, drug_id in names:
            if len(norm) >= MIN_PHRASE:
                self.owner.setdefault(norm, set()).add(drug_id)
                self.names_of.setdefault(drug_id, set()).add(norm)
        # the first word of every name, with the most words a name starting with it has
        self.starts = {}
        for phrase in self.owner:
            words = phrase.split()
            self.starts[words[0]] = max(self.starts.get(words[0], 0), len(words))
        self.exclusions = exclusions

    def phrases(self, norm):
        """Return the covered names found in a normalized text, longest first at each word."""
        words = norm.split()[:MAX_WORDS]
        found, i = [], 0
        while i < len(words):
            for n in range(min(self.starts.get(words[i], 0), len(words) - i), 0, -1):
                phrase = " ".join(words[i:i + n])
                if phrase in self.owner:
                    found.append(phrase)
                    i += n
                    break
            else:
                i += 1
        return found

    def find(self, text, norm=None):
        """Return [(drug_id, phrase)] for every covered drug named in text, in order."""
        norm = normalize(text) if norm is None else norm
        words = set(norm.split())
        found = []
        for phrase in self.phrases(norm):
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
        own_names = self.names_of[branded]
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
