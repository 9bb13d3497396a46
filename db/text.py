"""Normalize names the same way at build time and at request time."""

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")
# Marks vanish before NFKD would spell them out ("™" -> "TM" would glue onto the name).
_MARKS = str.maketrans("", "", "®™©℠")

# Salt and ester words that name the same medicine ("leuprolide acetate" is leuprolide).
SALTS = frozenset("""
    acetate hydrochloride hcl dihydrochloride sulfate sulphate citrate sodium potassium calcium
    pamoate tosylate mesylate phosphate tartrate bitartrate maleate besylate succinate fumarate
    bromide chloride monohydrate hydrate anhydrous free base
""".split())
# FDA biosimilar suffixes are four lowercase letters after a hyphen: pegfilgrastim-jmdb.
_BIOSIMILAR = re.compile(r"^(.{4,}?)-[a-z]{4}$")

# Words a prescription or EHR string adds around a drug name: strengths, units, dose forms.
DOSE_WORDS = frozenset("""
    mg mcg ug g gm kg ml l unt unit units iu meq mmol mg/ml hr hrs h day days week weeks wk
    tab tabs tablet tablets cap caps capsule capsules oral po injection injectable inj solution
    soln suspension susp prefilled syringe syringes auto injector autoinjector pen pens kit pack
    vial vials ampule powder for reconstitution lyophilized extended release delayed er xr xl sr
    dr cr ec ir film coated chewable disintegrating orally topical cream gel ointment patch
    transdermal implant drug intravenous iv subcutaneous subcut sc sq intramuscular im infusion
    concentrate emulsion liposomal liquid elixir syrup spray nasal rectal suppository buccal
    sublingual daily once twice every bid tid qid qd qhs prn as needed of per in with and the
    actuat metered dose doses single use device on body bodies system ophthalmic otic eye eyes
    ear ears drop drops lotion intraocular intravitreal intravesical vaginal odt ir bid tid
    onpro otc
""".split())
# Dose-form words that say which route a string is about: a local (eye, ear, skin) form, or a
# medicine taken by mouth. A record that covers neither must not answer for it.
LOCAL_FORM_WORDS = frozenset("""
    ophthalmic otic eye eyes ear ears topical cream ointment gel lotion intraocular intravitreal
    intravesical vaginal
""".split())
ORAL_FORM_WORDS = frozenset("oral tablet tablets tab tabs capsule capsules cap caps po pill "
                            "pills chewable elixir syrup".split())
_NUMBER = re.compile(r"^[0-9]+([.,][0-9]+)?([a-z]+)?$")


def normalize(text):
    """Fold case, accents, marks (®, ™) and punctuation; collapse spaces."""
    if text.isascii():  # the common case: nothing to decompose
        return _NOT_WORD.sub(" ", text.lower()).strip()
    text = unicodedata.normalize("NFKD", text.translate(_MARKS).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", text).strip()


def squash(text):
    """Return the normalized text without spaces ("T-DXd" and "tdxd" meet here)."""
    return normalize(text).replace(" ", "")


def strip_salts(text):
    """Drop salt words and a biosimilar suffix: "Pegfilgrastim-jmdb" -> "pegfilgrastim"."""
    words = text.casefold().split()
    if words:
        words[-1] = _BIOSIMILAR.sub(r"\1", words[-1])
    kept = [w for w in normalize(" ".join(words)).split() if w not in SALTS]
    return " ".join(kept)


def strip_dose(norm):
    """Drop strengths, units and dose-form words from a normalized string."""
    return " ".join(w for w in norm.split() if w not in DOSE_WORDS and not _NUMBER.match(w))


def form_routes(norm):
    """Return the routes a normalized string's dose-form words name ({"topical"}, {"oral"})."""
    words = set(norm.split())
    if words & LOCAL_FORM_WORDS:
        return {"topical"}
    return {"oral"} if words & ORAL_FORM_WORDS else set()


def bracketed(text):
    """Return the text inside [brackets] (RxNorm's branded-drug names), or None."""
    found = re.search(r"\[([^\]]+)\]", text)
    return found.group(1) if found else None


def span(name, query_norm):
    """Return (start, end) of query_norm inside name, in name's own characters, or None."""
    folded = name.casefold()
    if len(folded) == len(name) and (found := folded.find(query_norm)) >= 0:
        return found, found + len(query_norm)  # the common case: no punctuation in between
    chars, index = [], []
    for i, ch in enumerate(name):
        for piece in normalize(ch) or " ":
            if piece == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(piece)
            index.append(i)
    found = "".join(chars).find(query_norm)
    if found < 0 or not query_norm:
        return None
    return index[found], index[found + len(query_norm) - 1] + 1


_STRENGTH = re.compile(r"[0-9][0-9.]* (?:MG|MCG|UNT|ML|MEQ|MMOL|%|MG/ML|MCG/ML|UNT/ML)\b")


def infer_tty(name, ingredient):
    """Infer an RxNorm term type from a concept name's shape, for sources that omit it.

    RxNorm names follow fixed patterns: "anastrozole Pill" is a dose-form group (SCDG),
    "anastrozole 1 MG" a component (SCDC), "anastrozole 1 MG Oral Tablet" a clinical drug
    (SCD), and the same with "[Arimidex]" the branded forms (SBDG, SBDC, SBD).
    """
    branded = bracketed(name) is not None
    if name.endswith(" Pill"):
        generic = normalize(ingredient) in normalize(name)
        return "SCDG" if generic else "SBDG"
    strengths = list(_STRENGTH.finditer(name))
    if not strengths:
        return None
    rest = name[strengths[-1].end():].split("[")[0].strip()
    if rest:
        return "SBD" if branded else "SCD"
    return "SBDC" if branded else "SCDC"
