"""Gender from the first name in a contact's name field (S15.5, seed 004 O).

The platform detects the gender of Polish, Hungarian and Czech first names; the
account says whether the first name comes first (name order 1: ``"Anna Nowak"``) or
second (2: ``"Nowak Anna"``) in the name field.
`detect_gender` answers
``"female"``, ``"male"`` or ``"unknown"``; it is pure (no account, no clock) and
never raises for a string.

How a name is decided (the grade-D choices are on the decisions page):

1. The first name is the field's first (order 1) or second (order 2) word, words
   separated by white space; a field of one word is that word whatever the order; an
   empty field is ``unknown``. Punctuation around the word is dropped, and of a
   hyphenated name (``Anna-Maria``) the first part counts.
2. The name lists (package data ``salesmanago_emulator/data/first_names_{pl,hu,cs}.txt``,
   built from the PESEL register's lists, the Hungarian official given-name list and
   the Czech Ministry of the Interior's name statistics; ``data/FIRST_NAMES.md``
   cites them) are looked up case-insensitively, first with the diacritics as written,
   then without them (``Lukas`` finds ``Lukáš``). Where the entries found disagree
   (one language's female name is another's male one) or one says ``U`` (used for
   both), the answer is ``unknown``.
3. A name on no list follows the one morphological rule the three languages share
   reliably: ending in ``-a`` (or the Czech ``-ie``) is female. The male names ending
   in ``-a`` (Kuba, Barnaba, Kosma, Attila, Honza, ...) are on the lists, and a list
   entry always wins over the rule. Anything else is ``unknown``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources
from typing import Final

__all__ = ["FEMALE", "LANGUAGES", "MALE", "NAME_ORDERS", "UNKNOWN", "detect_gender"]

FEMALE: Final = "female"
"""The answer for a female first name."""
MALE: Final = "male"
"""The answer for a male first name."""
UNKNOWN: Final = "unknown"
"""The answer when the first name decides nothing (ambiguous, unknown, absent)."""
NAME_ORDERS: Final = (1, 2)
"""Where the first name stands in the name field: 1 first, 2 second."""
LANGUAGES: Final = ("pl", "hu", "cs")
"""The languages whose name lists are shipped (S15.5), as file suffixes."""

_SEXES: Final = {"F": FEMALE, "M": MALE, "U": UNKNOWN}
_EDGES: Final = re.compile(r"^\W+|\W+$")
# letters NFKD does not take apart; the dotless i so that "ATTILA" and "attıla" agree
_LETTERS: Final = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ı": "i", "ħ": "h", "ŧ": "t"})
_FEMALE_ENDINGS: Final = ("a", "ie")


def _exact(word: str) -> str:
    """The lookup key with diacritics: case folded, composed (NFC)."""
    return unicodedata.normalize("NFC", word.casefold())


def _folded(word: str) -> str:
    """The lookup key without diacritics: case folded, marks dropped."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().translate(_LETTERS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", plain.casefold().translate(_LETTERS))


def _entries(language: str) -> list[tuple[str, str]]:
    """The (name, sex letter) lines of one language's list."""
    data = resources.files("salesmanago_emulator").joinpath("data")
    text = data.joinpath(f"first_names_{language}.txt").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, sex = line.split("\t")
            rows.append((name, _SEXES[sex]))
    return rows


def _decide(found: dict[str, set[str]]) -> dict[str, str]:
    return {key: sexes.pop() if len(sexes) == 1 else UNKNOWN for key, sexes in found.items()}


@cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """The lists as two tables, key -> answer: with diacritics, and without."""
    exact: dict[str, set[str]] = {}
    folded: dict[str, set[str]] = {}
    for language in LANGUAGES:
        for name, sex in _entries(language):
            exact.setdefault(_exact(name), set()).add(sex)
            folded.setdefault(_folded(name), set()).add(sex)
    return _decide(exact), _decide(folded)


def _first_name(name_field: str, name_order: int) -> str:
    words = name_field.split()
    if not words:
        return ""
    word = words[0] if len(words) == 1 or name_order == 1 else words[1]
    return _EDGES.sub("", _EDGES.sub("", word).split("-", 1)[0])


@lru_cache(maxsize=1 << 16)
def _gender_of(word: str) -> str:
    exact, folded = _tables()
    found = exact.get(_exact(word))
    if found is not None:
        return found
    key = _folded(word)
    found = folded.get(key)
    if found is not None:
        return found
    if len(key) > 1 and key.isalpha() and key.endswith(_FEMALE_ENDINGS):
        return FEMALE
    return UNKNOWN


def detect_gender(name_field: str, *, name_order: int) -> str:
    """``"female"``, ``"male"`` or ``"unknown"`` for the first name in ``name_field``.

    ``name_order`` is the account's setting: 1 when the first name comes first in
    the field, 2 when it comes second (S15.5). Case and (where the lists allow)
    diacritics do not matter. Never raises for a string; a ``name_order`` other
    than 1 or 2 is a ``ValueError``.
    """
    if name_order not in NAME_ORDERS or isinstance(name_order, bool):
        raise ValueError(f"name_order must be 1 or 2, not {name_order!r}")
    if not isinstance(name_field, str):
        return UNKNOWN
    word = _first_name(unicodedata.normalize("NFC", name_field.casefold()), name_order)
    return _gender_of(word) if word else UNKNOWN
