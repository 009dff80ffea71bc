"""Client-side checks, run before anything is sent.

Each check raises [`ValidationError`][salesmanago.errors.ValidationError] naming the wire
field (with its path, e.g. ``upsertDetails[3].contact.email``) and the rule.
Nothing is ever shortened to fit: a value over a limit is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence, Sized
from datetime import datetime
from decimal import Decimal
from typing import Final

from .errors import ArgumentTypeError, ValidationError

__all__ = [
    "MAX_EMAIL_LENGTH",
    "MAX_LOCAL_PART_LENGTH",
    "MAX_TAG_LENGTH",
    "check_aware",
    "check_count",
    "check_email",
    "check_length",
    "check_money",
    "check_tags",
    "in_item",
    "in_part",
]

MAX_EMAIL_LENGTH: Final = 254
MAX_LOCAL_PART_LENGTH: Final = 64
MAX_TAG_LENGTH: Final = 255
#: Money: at most 19 digits before and 2 after the point, 22 characters (protocol §3.4).
MAX_MONEY_CHARS: Final = 22
MAX_MONEY_INTEGER_DIGITS: Final = 19
MAX_MONEY_FRACTION_DIGITS: Final = 2

# RFC 822/5322 dot-atom local part and a DNS host name with a letter TLD.
_ATEXT: Final = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LOCAL: Final = re.compile(rf"{_ATEXT}+(?:\.{_ATEXT}+)*")
# A label: 1 to 63 letters, digits and hyphens, neither first nor last a hyphen (written
# as one run and a look-behind: the same labels as ``[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}
# [A-Za-z0-9])?``, matched in fewer steps; issue 17).
_LABEL: Final = r"(?:[A-Za-z0-9][A-Za-z0-9-]{0,62}(?<!-))"
_DOMAIN: Final = re.compile(rf"(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")
# Both at once: no part may hold an "@", so this matches exactly the addresses whose
# one "@" splits them into a valid local part (at most 64 characters: the look-ahead)
# and a valid domain.
_ADDRESS: Final = re.compile(
    rf"(?=[^@]{{1,{MAX_LOCAL_PART_LENGTH}}}@){_LOCAL.pattern}@{_DOMAIN.pattern}"
)


def check_model(value: object, model: type, field: str) -> None:
    """``value`` must be a ``model`` instance; else ArgumentTypeError naming ``field``,
    the model expected and the type given."""
    if not isinstance(value, model):
        article = "an" if model.__name__[0] in "AEIOU" else "a"
        rule = f"must be {article} {model.__name__}, got {described(value)}"
        raise ArgumentTypeError(field, rule)


def described(value: object) -> str:
    """A wrong argument as an error names it: its type and the start of its repr."""
    return f"{type(value).__name__} {value!r:.60}"


def check_email(value: object, field: str) -> str:
    """An e-mail address as the platform accepts it (protocol §3.4), white space trimmed."""
    if not isinstance(value, str):
        raise ValidationError(field, "must be a string holding an e-mail address")
    email = value.strip()
    if len(email) <= MAX_EMAIL_LENGTH and _ADDRESS.fullmatch(email) is not None:
        return email  # the usual case, in one match; the checks below name what is wrong
    if len(email) > MAX_EMAIL_LENGTH:
        raise ValidationError(
            field, f"must be at most {MAX_EMAIL_LENGTH} characters (got {len(email)})"
        )
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        raise ValidationError(field, f"must be an e-mail address (got {email!r})")
    if len(local) > MAX_LOCAL_PART_LENGTH:
        raise ValidationError(
            field,
            f"must have at most {MAX_LOCAL_PART_LENGTH} characters before '@' (got {len(local)})",
        )
    if not _LOCAL.fullmatch(local):
        raise ValidationError(field, f"has an invalid part before '@' (got {email!r})")
    if not _DOMAIN.fullmatch(domain):
        raise ValidationError(field, f"has an invalid domain (got {email!r})")
    return email


def check_tags(tags: Iterable[str], field: str) -> list[str]:
    """Tag names: non-empty, at most 255 characters, no comma (the platform splits on it)."""
    out: list[str] = []
    for index, tag in enumerate(tags):
        where = f"{field}[{index}]"
        if not isinstance(tag, str):
            raise ValidationError(where, "must be a string")
        name = tag.strip()
        if not name:
            raise ValidationError(where, "must not be empty")
        if "," in name:
            raise ValidationError(
                where, "must not contain ',' (the platform splits tags on commas); pass each tag"
            )
        if len(name) > MAX_TAG_LENGTH:
            raise ValidationError(
                where, f"must be at most {MAX_TAG_LENGTH} characters (got {len(name)})"
            )
        out.append(name)
    return out


def check_length(value: str | None, field: str, maximum: int, minimum: int = 0) -> None:
    """A text's length in characters (not bytes) within ``minimum..maximum``."""
    if value is None:
        return
    if len(value) > maximum:
        raise ValidationError(field, f"must be at most {maximum} characters (got {len(value)})")
    if len(value) < minimum:
        raise ValidationError(field, f"must be at least {minimum} characters (got {len(value)})")


def check_count(items: Sized, field: str, maximum: int, minimum: int = 0) -> None:
    """A list's size within ``minimum..maximum``."""
    if len(items) > maximum:
        raise ValidationError(field, f"must hold at most {maximum} items (got {len(items)})")
    if len(items) < minimum:
        raise ValidationError(field, f"must hold at least {minimum} item(s) (got {len(items)})")


def check_aware(value: datetime | None, field: str) -> None:
    """A datetime must carry its time zone: the platform counts in UTC milliseconds."""
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValidationError(field, "must be a timezone-aware datetime")


def check_money(value: object, field: str, *, negative: bool = True) -> None:
    """A money value: a Decimal (or an int), finite, ≤ 19 digits before and ≤ 2 after
    the point, ≤ 22 characters; not below 0 unless ``negative``.

    A float is refused (it cannot hold money exactly). The digits are taken as given
    (``Decimal("1.500")`` has three after the point and is refused): the value
    travels with exactly its digits, never rounded.
    """
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise ValidationError(field, f"must be a Decimal or an int (got {type(value).__name__})")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValidationError(field, f"must be a finite number (got {value})")
    if not negative and amount < 0:
        raise ValidationError(field, f"must be 0 or more (got {value})")
    text = f"{amount:f}"
    integer, _, fraction = text.lstrip("-").partition(".")
    if len(integer) > MAX_MONEY_INTEGER_DIGITS:
        raise ValidationError(
            field,
            f"must have at most {MAX_MONEY_INTEGER_DIGITS} digits before the decimal point "
            f"(got {len(integer)})",
        )
    if len(fraction) > MAX_MONEY_FRACTION_DIGITS:
        raise ValidationError(
            field,
            f"must have at most {MAX_MONEY_FRACTION_DIGITS} digits after the decimal point "
            f"(got {len(fraction)} in {text})",
        )
    if len(text) > MAX_MONEY_CHARS:
        raise ValidationError(
            field, f"must be at most {MAX_MONEY_CHARS} characters (got {len(text)})"
        )


def check_positive(value: int, field: str) -> None:
    """A size or count that must be 1 or more."""
    if value < 1:
        raise ValidationError(field, f"must be 1 or more (got {value})")


def unique_in_order(values: Sequence[str]) -> list[str]:
    """The values without repeats, first occurrence kept."""
    return list(dict.fromkeys(values))


def in_item(error: ValidationError, key: str, index: int) -> ValidationError:
    """``error`` of one item of the list ``key``, its field named under the item
    (``contact.email`` of item 3 of ``upsertDetails``: ``upsertDetails[3].contact.email``)."""
    return type(error)(f"{key}[{index}].{error.field}", error.rule)


def in_part(error: ValidationError, key: str) -> ValidationError:
    """``error`` of a request nested under ``key``, its field named under it
    (``contact.email`` of ``contactUpsertRequest``: ``contactUpsertRequest.contact.email``)."""
    return ValidationError(f"{key}.{error.field}", error.rule)
