"""Normalize names the same way at build time and at request time."""

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")
# Marks vanish before NFKD would spell them out ("™" -> "TM" would glue onto the name).
_MARKS = str.maketrans("", "", "®™©℠")


def normalize(text):
    """Fold case, accents, marks (®, ™) and punctuation; collapse spaces."""
    text = unicodedata.normalize("NFKD", text.translate(_MARKS).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", text).strip()


def squash(text):
    """Return the normalized text without spaces ("T-DXd" and "tdxd" meet here)."""
    return normalize(text).replace(" ", "")
