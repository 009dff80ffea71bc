"""The rule functions of API v3's catalogs and products (protocol §9), one per kind of value.

Each takes a value and the field it stands in (wire spelling, e.g.
``products[3].price``) and returns the value as stored, or raises
[`V3FieldError`][salesmanago_emulator.errors.V3FieldError] with the §9 reason code:
14 for a wrong type, 13 for an empty required text, 11 for a value over its
limit, 18 for one that breaks its pattern. The catalogs area checks a request
with them, and the snapshot checks saved data with the same functions.

Limits (grade D unless said): texts 255 characters (the official library's
entity comments), a product id 64, a description 16 384, URLs 2 048, a
colour 25; at most 5 categories and 5 image URLs; money ``(19.2)``, read as the
events' values read it: at most 19 digits before the point and 2 after, never
negative; counts (quantity, popularity) a Java ``int`` from 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Final, TypeVar
from urllib.parse import urlsplit

from ..errors import (
    RULE_AT_MOST_GOT,
    RULE_AT_MOST_ITEMS,
    RULE_BOOLEAN,
    RULE_CURRENCY,
    RULE_CUSTOM_DETAIL,
    RULE_DIGITS_AFTER_POINT,
    RULE_DIGITS_BEFORE_POINT,
    RULE_FINITE_NUMBER,
    RULE_INTEGER,
    RULE_LIST,
    RULE_NOT_EMPTY,
    RULE_OBJECT,
    RULE_ONE_OF,
    RULE_STRING,
    RULE_TOO_LONG,
    RULE_URL,
    RULE_ZERO_OR_MORE,
    ReasonCode,
    V3FieldError,
)

__all__ = [
    "COLOR_LIMIT",
    "CURRENCIES",
    "CUSTOM_DETAILS",
    "DESCRIPTION_LIMIT",
    "GENDERS",
    "INT_LIMIT",
    "LIST_LIMIT",
    "MONEY_FRACTION_DIGITS",
    "MONEY_INTEGER_DIGITS",
    "PRODUCT_ID_LIMIT",
    "STRING_LIMIT",
    "URL_LIMIT",
    "check_boolean",
    "check_count",
    "check_currency",
    "check_custom_details",
    "check_gender",
    "check_items",
    "check_limited",
    "check_money",
    "check_required",
    "check_string",
    "check_url",
    "optional",
]

_T = TypeVar("_T")

STRING_LIMIT: Final = 255
"""Longest catalog name, location, product name (trimmed beyond), category, brand, ..."""
PRODUCT_ID_LIMIT: Final = 64
"""Longest product id."""
DESCRIPTION_LIMIT: Final = 16_384
"""Longest product description (trimmed beyond)."""
URL_LIMIT: Final = 2048
"""Longest product or image URL."""
COLOR_LIMIT: Final = 25
"""Longest ``systemDetails.color``."""
LIST_LIMIT: Final = 5
"""Most ``categories`` and most ``imageUrls`` of a product."""
CUSTOM_DETAILS: Final = 5
"""``customDetails`` keys: ``detail1`` to ``detail5``."""
MONEY_INTEGER_DIGITS: Final = 19
"""Most digits before the point of a price (``(19.2)``, as for an event's value)."""
MONEY_FRACTION_DIGITS: Final = 2
"""Most digits after the point of a price."""
INT_LIMIT: Final = 2**31 - 1
"""Largest quantity or popularity (a Java ``int``)."""
GENDERS: Final = (-1, 0, 1, 2, 4)
"""``systemDetails.gender``: undefined, female, male, other, unisex (official library)."""

CURRENCIES: Final = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL
    BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK
    DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR
    ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD
    LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK
    NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
    USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR
    XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG ZWL
    """.split()  # noqa: SIM905 (a table of codes, read as printed)
)
"""The ISO 4217 codes a catalog's currency may be (list one as of 2025, without the
testing code ``XTS`` and ``XXX``, "no currency"); spelled in upper case."""

_DETAIL_KEY: Final = re.compile(r"detail([1-9][0-9]*)", re.ASCII)
_BLANK_OR_CONTROL: Final = re.compile(r"[\s\x00-\x1f\x7f]")


def _refuse(code: ReasonCode, field: str, rule: str) -> V3FieldError:
    return V3FieldError(code, field, rule)


def check_string(value: object, field: str) -> str:
    """A string, any length (14 otherwise)."""
    if not isinstance(value, str):
        raise _refuse(ReasonCode.WRONG_TYPE, field, RULE_STRING)
    return value


def check_limited(value: object, field: str, limit: int) -> str:
    """A text of at most ``limit`` characters, as given (14 not a string, 11 too long)."""
    text = check_string(value, field)
    if len(text) > limit:
        rule = RULE_TOO_LONG.format(limit=limit, length=len(text))
        raise _refuse(ReasonCode.OVER_LIMIT, field, rule)
    return text


def check_required(value: object, field: str, limit: int | None = None) -> str:
    """A text that is not blank (13), of at most ``limit`` characters when given (11)."""
    text = check_string(value, field)
    if not text.strip():
        raise _refuse(ReasonCode.MISSING, field, RULE_NOT_EMPTY)
    return text if limit is None else check_limited(text, field, limit)


def optional(check: Callable[..., _T], value: object, field: str, *args: object) -> _T | None:
    """``None`` for a value not given (``None``), else ``check(value, field, *args)``."""
    return None if value is None else check(value, field, *args)


def check_boolean(value: object, field: str) -> bool:
    """``true`` or ``false`` (14 otherwise)."""
    if not isinstance(value, bool):
        raise _refuse(ReasonCode.WRONG_TYPE, field, RULE_BOOLEAN)
    return value


def check_url(value: object, field: str) -> str:
    """An ``http``/``https`` URL with a host and no white space, of at most 2 048
    characters (14, 11, then 18)."""
    url = check_limited(value, field, URL_LIMIT)
    try:
        parts = urlsplit(url)
    except ValueError:  # a broken IPv6 literal
        raise _refuse(ReasonCode.PATTERN, field, RULE_URL) from None
    scheme_ok = parts.scheme.lower() in ("http", "https")
    if not scheme_ok or not parts.hostname or _BLANK_OR_CONTROL.search(url):
        raise _refuse(ReasonCode.PATTERN, field, RULE_URL)
    return url


def check_money(value: object, field: str) -> Decimal:
    """A price: a finite number (14), not negative (18), at most 2 digits after the point
    as written (18) and 19 before it (11); exactly as given, never rounded."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise _refuse(ReasonCode.WRONG_TYPE, field, RULE_FINITE_NUMBER)
    amount = Decimal(value)
    if not amount.is_finite():
        raise _refuse(ReasonCode.WRONG_TYPE, field, RULE_FINITE_NUMBER)
    if amount < 0:
        raise _refuse(ReasonCode.PATTERN, field, RULE_ZERO_OR_MORE.format(value=amount))
    integer, _, fraction = f"{amount:f}".partition(".")
    if len(fraction) > MONEY_FRACTION_DIGITS:
        rule = RULE_DIGITS_AFTER_POINT.format(limit=MONEY_FRACTION_DIGITS, count=len(fraction))
        raise _refuse(ReasonCode.PATTERN, field, rule)
    if len(integer.lstrip("0")) > MONEY_INTEGER_DIGITS:
        count = len(integer.lstrip("0"))
        rule = RULE_DIGITS_BEFORE_POINT.format(limit=MONEY_INTEGER_DIGITS, count=count)
        raise _refuse(ReasonCode.OVER_LIMIT, field, rule)
    return amount


def _integer(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refuse(ReasonCode.WRONG_TYPE, field, RULE_INTEGER)
    return value


def check_count(value: object, field: str) -> int:
    """A quantity or popularity: an integer (14), 0 or more (18), at most 2^31 - 1 (11)."""
    count = _integer(value, field)
    if count < 0:
        raise _refuse(ReasonCode.PATTERN, field, RULE_ZERO_OR_MORE.format(value=count))
    if count > INT_LIMIT:
        rule = RULE_AT_MOST_GOT.format(maximum=INT_LIMIT, value=count)
        raise _refuse(ReasonCode.OVER_LIMIT, field, rule)
    return count


def check_gender(value: object, field: str) -> int:
    """``systemDetails.gender``: one of -1, 0, 1, 2, 4 (14 not an integer, 18 another)."""
    gender = _integer(value, field)
    if gender not in GENDERS:
        choices = ", ".join(map(str, GENDERS))
        raise _refuse(ReasonCode.PATTERN, field, RULE_ONE_OF.format(choices=choices))
    return gender


def check_currency(value: object, field: str) -> str:
    """An ISO 4217 code in upper case (14 not a string, 13 blank, 18 no such code)."""
    code = check_required(value, field)
    if code not in CURRENCIES:
        raise _refuse(ReasonCode.PATTERN, field, RULE_CURRENCY.format(value=code))
    return code


def check_items(
    values: object, field: str, check: Callable[[object, str], _T], limit: int = LIST_LIMIT
) -> tuple[_T, ...]:
    """A list (14) of at most ``limit`` items (11), each by ``check`` at ``field[i]``."""
    if not isinstance(values, Sequence) or isinstance(values, str):
        raise _refuse(ReasonCode.WRONG_TYPE, field, RULE_LIST)
    if len(values) > limit:
        raise _refuse(ReasonCode.OVER_LIMIT, field, RULE_AT_MOST_ITEMS.format(limit=limit))
    return tuple(check(item, f"{field}[{index}]") for index, item in enumerate(values))


def check_custom_details(value: object, field: str) -> dict[str, str]:
    """``customDetails``: an object (14) of keys ``detail1``..``detail5`` (18) to texts
    of at most 255 characters (14, 11), in key order."""
    if not isinstance(value, Mapping):
        raise _refuse(ReasonCode.WRONG_TYPE, field, RULE_OBJECT)
    details: dict[str, str] = {}
    for key, text in value.items():
        match = _DETAIL_KEY.fullmatch(key) if isinstance(key, str) else None
        if match is None or int(match[1]) > CUSTOM_DETAILS:
            rule = RULE_CUSTOM_DETAIL.format(limit=CUSTOM_DETAILS)
            raise _refuse(ReasonCode.PATTERN, f"{field}.{key}", rule)
        details[key] = check_limited(text, f"{field}.{key}", STRING_LIMIT)
    return dict(sorted(details.items(), key=lambda item: int(item[0][len("detail") :])))
