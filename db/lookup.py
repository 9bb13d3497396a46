"""Resolve one name or code to a drug, saying how it matched and how sure the match is.

Steps, first answer wins: exact name -> normalized name (salt words, biosimilar suffix, spacing)
-> free text (names found inside an EHR or prescription string) -> a recognised medicine with
no record (`not_covered`) -> fuzzy (edit similarity) -> not found, with suggestions from the
same fuzzy scan (it runs once per lookup). A dictionary spelling of a covered medicine that
ossa has not checked ("letrozol", "Genox") answers by fuzzy match when that finds the same
drug, and otherwise points at the record (`not_covered`, reason `unverified_name`). Every
step but the dictionary check is in memory.
"""

from db import NotCovered, NotFound
from db.drugs import get_drug, get_drugs
from db.suggest import SUGGEST_CUTOFF, best_per_drug, by_score, preferred, suggested_names
from db.text import form_routes, normalize, strip_dose, strip_salts
from db.uncovered import recognize, uncovered_code
from db.vocabulary import vocabulary

NORMALIZED_SCORE = 0.95  # same name once salt words, suffixes or spacing are set aside
TEXT_SCORE = 0.9  # a covered name found inside a longer string
FUZZY_CUTOFF = 80  # rapidfuzz ratio (0-100) a misspelling needs before we answer with it
AMBIGUITY_MARGIN = 0.03  # two drugs this close in score are reported as ambiguous, not guessed
MAX_LOOKUP = 200  # characters of a name examined (the contract's bound)
MAX_CONTAINS = 4  # drugs one combination product may name (none holds more covered drugs)
REASONS = {
    "not_in_knowledge_base": "{name} is a medicine ossa does not cover yet: it has no bone and "
                             "joint record.",
    "local_form": "{name} is a local (eye, ear or skin) form; ossa's {drug} record covers the "
                  "medicine taken by mouth or injection, whose bone warnings do not apply here.",
    "other_product": "{name} is another product that shares its ingredient with {drug}; "
                     "ossa's {drug} record does not cover it.",
    "route_not_covered": "{name}: ossa's {drug} record covers only its {routes} form.",
    "unverified_name": "{name} is listed in ossa's drug-name dictionary as {drug}, but it is not "
                       "a name ossa has checked against its {drug} record (it may be a brand "
                       "sold elsewhere, a translation or another form): look up {drug} if "
                       "that is the medicine and form meant.",
}


class _Lookup:
    """One lookup: the name, its normal forms, and the dataset's vocabulary."""

    def __init__(self, conn, name):
        self.conn, self.name = conn, name[:MAX_LOOKUP]
        self.norm = normalize(self.name)
        self.core = strip_dose(self.norm) or self.norm
        self.vocab = vocabulary(conn)
        self._similar = None

    def similar(self):
        """Return the fuzzy scan of the name (computed once, for the match and suggestions)."""
        if self._similar is None:
            self._similar = self.vocab.similar(self.core, SUGGEST_CUTOFF)
        return self._similar

    def exact(self):
        rows = preferred(self.vocab.exact(self.norm), self.name.strip().casefold())
        ranked = best_per_drug((row, 1.0) for row in rows)
        if rows and all(row["name_type"] == "combination" for row in rows):
            return ranked, [row["drug_id"] for row, _ in ranked]  # every drug it holds
        return ranked, None

    def normalized(self):
        rows = preferred(self.vocab.keyed(normalize(strip_salts(self.name)),
                                          self.norm.replace(" ", "")))
        return best_per_drug((row, NORMALIZED_SCORE) for row in rows), None

    def free_text(self):
        found = self.vocab.matcher.find(self.name, self.norm)
        if found:
            rows = [{"name": self._stored_name(phrase, drug_id), "name_type": "text",
                     "drug_id": drug_id} for drug_id, phrase in found]
            return [(row, TEXT_SCORE) for row in rows], [drug_id for drug_id, _ in found]
        if self.core != self.norm:
            ranked = best_per_drug((row, TEXT_SCORE) for row in preferred(
                self.vocab.keyed(self.core, self.core.replace(" ", ""))))
            return [({**row, "name_type": "text"}, score) for row, score in ranked], None
        return [], None

    def _stored_name(self, norm, drug_id):
        """Return the name as the knowledge base spells it ("Fulphila", not "fulphila")."""
        rows = [r for r in self.vocab.exact(norm) if r["drug_id"] == drug_id]
        return preferred(rows)[0]["name"] if rows else norm

    def fuzzy(self):
        kept = [(row, min(score, 99) / 100) for row, score in by_score(self.similar())
                if score >= FUZZY_CUTOFF]
        return [({**row, "match": "fuzzy"}, s) for row, s in best_per_drug(kept)], None

    def suggestions(self, limit=5):
        """Return drug names like the one sent, one per drug (from the one fuzzy scan)."""
        return suggested_names(self.similar(), limit)


def lookup_name(conn, name, *, suggest=True):
    """Resolve a brand, generic, synonym, free-text or misspelled name to one drug.

    Raises NotCovered for a recognised medicine without a record, and NotFound (with
    suggestions unless `suggest` is false: a caller that shows none need not pay for them).
    """
    look = _Lookup(conn, name)
    if look.norm:
        for step in (look.exact, look.normalized, look.free_text):
            ranked, contains = step()
            if ranked:
                return _answer(conn, look, ranked, contains)
        found = recognize(conn, look.norm, look.core)
        ranked, contains = look.fuzzy() if _may_fuzzy(found) else ([], None)
        if ranked and (not found or ranked[0][0]["drug_id"] == found["covered_form"]):
            return _answer(conn, look, ranked, contains)
        if found:
            raise _not_covered(conn, look.name.strip(), found)
    raise NotFound(f"No drug matches the name `{name.strip()}`.",
                   suggestions=look.suggestions() if suggest and look.norm else [])


def _may_fuzzy(found):
    """A recognised medicine without a record is never answered with a look-alike drug; an
    unchecked dictionary spelling of a covered one may still be a misspelling of it."""
    return not found or found["reason"] == "unverified_name"


def _not_covered(conn, name, found):
    drug = get_drug(conn, found["covered_form"])["generic_name"] if found["covered_form"] else ""
    detail = REASONS[found["reason"]].format(name=name, drug=drug, routes=found.get("routes"))
    recognized = {"name": found["name"], "rxcui": found["rxcui"], "reason": found["reason"],
                  "covered_form": found["covered_form"]}
    return NotCovered(detail, recognized=recognized)


def _fit_form(conn, look, ranked, contains):
    """Keep the drugs whose record covers the form a text names (eye drops of a medicine taken
    by mouth are not its record); raise NotCovered when none does."""
    asked = form_routes(look.norm)
    fits = [(row, score) for row, score in ranked
            if not asked or asked & look.vocab.routes[row["drug_id"]]]
    if not fits:
        drug_id = ranked[0][0]["drug_id"]
        routes = " or ".join(sorted(look.vocab.routes[drug_id]))
        reason = "local_form" if "topical" in asked else "route_not_covered"
        raise _not_covered(conn, look.name.strip(), {
            "name": look.name.strip(), "rxcui": None, "reason": reason, "covered_form": drug_id,
            "routes": routes})
    kept = {row["drug_id"] for row, _ in fits}
    return fits, [d for d in contains if d in kept] if contains else contains


def _match_type(row):
    if row.get("match") == "fuzzy":
        return "fuzzy"
    return {"abbreviation": "synonym", "product": "text", "combination": "brand"}.get(
        row["name_type"], row["name_type"])


def _answer(conn, look, ranked, contains):
    if ranked[0][0]["name_type"] == "text":
        ranked, contains = _fit_form(conn, look, ranked, contains)
    (row, score), rest = ranked[0], ranked[1:]
    if contains:  # a combination product: every drug is an answer, none an alternative
        rest = []
    ambiguous = row["name_type"] == "abbreviation" or (
        bool(rest) and score - rest[0][1] <= AMBIGUITY_MARGIN)
    match = {"type": _match_type(row), "matched_name": row["name"], "score": round(score, 3),
             "ambiguous": ambiguous}
    if contains and len(contains) > 1:
        match["contains"] = contains[:MAX_CONTAINS]
    return {"query": look.name, "match": match, "drug": get_drug(conn, row["drug_id"]),
            "alternatives": [_alternative(conn, r, s) for r, s in rest[:5]]}


def _alternative(conn, row, score):
    generic = row.get("generic_name") or get_drug(conn, row["drug_id"])["generic_name"]
    name_type = {"product": "generic", "combination": "brand", "text": "generic"}.get(
        row["name_type"], row["name_type"])
    return {"drug_id": row["drug_id"], "name": row["name"], "name_type": name_type,
            "generic_name": generic, "score": round(score, 3)}


def lookup_code(conn, system, code):
    """Resolve an RxNorm or ATC code to its drug(s); the first is the answer."""
    rows = conn.execute(
        "SELECT drug_id, tty, name, retired, release FROM codes WHERE system = ? AND code = ?"
        " ORDER BY drug_id", (system, code),
    ).fetchall()
    if not rows:
        found = uncovered_code(conn, code) if system == "rxnorm" else None
        if found:
            raise _not_covered(conn, found["name"], found)
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
