"""The shapes of codes and ids, defined once for the content files, the API and the CDS reader.

Each pattern is anchored with `\\Z` (Python's `$` also matches before a trailing newline) and
spells digits out (`[0-9]`, never `\\d`, which matches other scripts' digits too).
"""

import re

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z"
RXCUI_PATTERN = r"^[0-9]{1,10}\Z"
# WHO ATC level-5 codes are stored upper case; requests may send either case.
ATC_PATTERN = r"^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}\Z"
ATC_ANY_CASE_PATTERN = r"^[A-Za-z][0-9]{2}[A-Za-z]{2}[0-9]{2}\Z"
SET_ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z"

RXCUI = re.compile(RXCUI_PATTERN)
ATC_ANY_CASE = re.compile(ATC_ANY_CASE_PATTERN)
