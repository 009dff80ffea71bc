"""How the platform spells e-mail addresses and tag names before storing them.

E-mail: trimmed and lower-cased (S2.1), checked against the platform's
documented rules (protocol §3.4: RFC 822 syntax, at most 64 characters before
``@``, a valid domain, at most 254 characters in all).

Tags (S5.1, protocol §4): split on commas, trimmed, national letters folded to
their base letters, upper-cased, and every character other than ``A-Z``,
``0-9``, ``_``, ``-`` and ``.`` replaced by ``_``. The results are interned:
a million contacts share a few hundred tag strings.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

from ..errors import (
    RULE_EMAIL,
    RULE_EMAIL_LOCAL_TOO_LONG,
    RULE_EMAIL_TOO_LONG,
    RULE_NOT_EMPTY,
    RULE_STRING,
    RULE_TOO_LONG,
    InvalidField,
)

__all__ = [
    "MAX_EMAIL_LENGTH",
    "MAX_LOCAL_PART_LENGTH",
    "MAX_TAG_LENGTH",
    "check_text",
    "fold_tag",
    "normalize_email",
    "normalize_tags",
    "validate_email",
]

MAX_EMAIL_LENGTH: Final = 254
"""Longest e-mail address accepted, in characters (protocol §3.4)."""
MAX_LOCAL_PART_LENGTH: Final = 64
"""Longest part before ``@``, in characters (protocol §3.4)."""
MAX_TAG_LENGTH: Final = 255
"""Longest tag name accepted after normalisation, in characters (grade D)."""

_ATEXT: Final = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]"
_LOCAL_RE: Final = re.compile(rf"{_ATEXT}+(?:\.{_ATEXT}+)*", re.ASCII)
_LABEL: Final = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN_RE: Final = re.compile(rf"(?:{_LABEL}\.)+[a-z]{{2,63}}", re.ASCII)
# Both at once: no part may hold an "@", so this matches exactly the addresses whose
# one "@" splits them into a valid local part and a valid domain. Each label is written
# as one run of 1 to 63 of [a-z0-9-] neither starting nor ending with "-" (the
# lookarounds), followed by ".": the same labels as `_LABEL`, with less backtracking
# (a tenth cheaper on the write path). Possessive quantifiers would save a little more
# but need Python 3.11, and the project supports 3.10. A test pins this pattern to
# f"{_LOCAL_RE.pattern}@{_DOMAIN_RE.pattern}".
_ADDRESS_RE: Final = re.compile(
    rf"{_LOCAL_RE.pattern}@(?:(?!-)[a-z0-9-]{{1,63}}(?<!-)\.)+[a-z]{{2,63}}",
    re.ASCII,
)


def normalize_email(value: str) -> str:
    """The stored form of an e-mail address: surrounding white space removed, lower case.

    Only ASCII text is lower-cased: an address with any other character is kept
    as given, so it never folds into an ASCII one (the Kelvin sign ``\u212a``
    lower-cases to ``k``) and never names a stored card; `validate_email`
    refuses it.
    """
    text = value.strip()
    return text.lower() if text.isascii() else text


def check_text(value: object, field: str, limit: int | None = None) -> str:
    """A required text, returned as given (not trimmed).

    Raises [`InvalidField`][salesmanago_emulator.errors.InvalidField] naming ``field``:
    not a string, blank (white space only), or longer than ``limit``
    characters when a limit is given.
    """
    if not isinstance(value, str):
        raise InvalidField(field, RULE_STRING)
    if not value.strip():
        raise InvalidField(field, RULE_NOT_EMPTY)
    if limit is not None and len(value) > limit:
        raise InvalidField(field, RULE_TOO_LONG.format(limit=limit, length=len(value)))
    return value


def validate_email(value: object, field: str) -> str:
    """Check an e-mail address and return its normalised form.

    Raises [`InvalidField`][salesmanago_emulator.errors.InvalidField] naming ``field``
    and the rule broken: not a string, empty, longer than 254 characters, more
    than 64 characters before ``@``, or not ``local@domain`` where the local
    part is an RFC 822 dot-atom and the domain has at least two labels of
    letters, digits and inner hyphens, ending in a top-level domain of two or
    more letters. The address must be ASCII as given: one that becomes ASCII
    only by case folding (``\u212aate@x.pl``, a Kelvin sign) is refused too.
    """
    if not isinstance(value, str):
        raise InvalidField(field, RULE_STRING)
    email = normalize_email(value)
    if (
        len(email) <= MAX_EMAIL_LENGTH
        and _ADDRESS_RE.fullmatch(email) is not None
        and email.index("@") <= MAX_LOCAL_PART_LENGTH
    ):
        return email  # the usual case, in one match; the checks below name what is wrong
    if not email:
        raise InvalidField(field, RULE_NOT_EMPTY)
    if len(email) > MAX_EMAIL_LENGTH:
        raise InvalidField(
            field, RULE_EMAIL_TOO_LONG.format(limit=MAX_EMAIL_LENGTH, length=len(email))
        )
    local, at, domain = email.partition("@")
    if not at or not local or not domain or "@" in domain:
        raise InvalidField(field, RULE_EMAIL)
    if len(local) > MAX_LOCAL_PART_LENGTH:
        raise InvalidField(
            field,
            RULE_EMAIL_LOCAL_TOO_LONG.format(limit=MAX_LOCAL_PART_LENGTH, length=len(local)),
        )
    if _LOCAL_RE.fullmatch(local) is None or _DOMAIN_RE.fullmatch(domain) is None:
        raise InvalidField(field, RULE_EMAIL)
    return email


# Letters that NFKD does not decompose into a base letter plus combining marks.
_FOLD_MAP: Final = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Ø": "O",
        "ø": "o",
        "Đ": "D",
        "đ": "d",
        "Ð": "D",
        "ð": "d",
        "ß": "SS",
        "ẞ": "SS",
        "Æ": "AE",
        "æ": "ae",
        "Œ": "OE",
        "œ": "oe",
        "Þ": "TH",
        "þ": "th",
        "ı": "i",
        "Ħ": "H",
        "ħ": "h",
        "Ŧ": "T",
        "ŧ": "t",
    }
)
_DISALLOWED_RE: Final = re.compile(r"[^A-Z0-9_.\-]")


@lru_cache(maxsize=8192)
def fold_tag(piece: str) -> str:
    """One tag name (no commas, already trimmed) in its normalised, interned form.

    ``"żółty kot!"`` gives ``"ZOLTY_KOT_"``, ``"Łódź"`` gives ``"LODZ"``. May
    return ``""`` when nothing is left (a piece made of combining marks only).
    """
    decomposed = unicodedata.normalize("NFKD", piece.translate(_FOLD_MAP))
    base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    upper = base.translate(_FOLD_MAP).upper()
    return sys.intern(_DISALLOWED_RE.sub("_", upper))


@lru_cache(maxsize=8192)
def _value_tags(value: str) -> tuple[str, ...] | int:
    """The tags one value yields, or the length of the first one over the limit."""
    tags: list[str] = []
    for raw in value.split(","):
        piece = raw.strip()
        if not piece:
            continue
        tag = fold_tag(piece)
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            return len(tag)
        tags.append(tag)
    return tuple(tags)


def normalize_tags(values: Iterable[str], field: str) -> list[str]:
    """Normalise tag names as the platform stores them (S5.1).

    Each value may hold several tags separated by commas; pieces left empty by
    the split are dropped, but a value that yields no tag at all (``""``,
    ``"  "``, ``","``) is refused, and so is a tag longer than 255 characters.
    Errors name ``field[i]``, ``i`` being the value's position. Duplicates are
    removed, keeping the first occurrence's position.
    """
    out: list[str] = []
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise InvalidField(f"{field}[{index}]", RULE_STRING)
        tags = _value_tags(value)
        if isinstance(tags, int):
            raise InvalidField(
                f"{field}[{index}]", RULE_TOO_LONG.format(limit=MAX_TAG_LENGTH, length=tags)
            )
        if not tags:
            raise InvalidField(f"{field}[{index}]", RULE_NOT_EMPTY)
        out.extend(tags)
    return list(dict.fromkeys(out))
