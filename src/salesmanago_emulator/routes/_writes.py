"""Reading an insert / update / upsert body (or one ``upsertDetails`` item) into a write;
a batch's items, and the batch's outcome as the wire shows it.

Wire keys (protocol §5.1, §5.2): ``contact{email, name, phone, fax, company,
externalId, state, address{streetAddress, zipCode, city, country}}`` and, at
the same level as ``contact``: ``tags``, ``removeTags`` (a list, or one
comma-separated string), ``tagScoring``, ``properties`` (object name ->
value), ``dictionaryProperties`` ([{name, type, value}]), ``birthday``
(``yyyyMMdd`` or ``MMdd``), ``province``, ``lang``, ``forceOptIn``,
``forceOptOut``, ``forcePhoneOptIn``, ``forcePhoneOptOut``, ``newEmail``,
``consentDetails`` ([{consentName, consentAccept, agreementDate, ip, optOut,
consentDescriptionId}]), ``loyaltyProgram`` (a program name),
``useApiDoubleOptIn`` with ``apiDoubleOptInEmailTemplateId``,
``apiDoubleOptInEmailAccountId``, ``apiDoubleOptInEmailSubject`` (older clients) or
``doubleOptInEmailId``, ``doubleOptInLanguage`` (newer ones; ids as strings or numbers).

Other keys (``async``, ``internalIntegration``, ``fireEvents`` ...) are accepted and
ignored. Type
errors name the wire field; value rules (e-mail syntax, states, tags, consents,
whether the loyalty program exists) are the account's to check.

A batch (``batchupsert``, ``batchupsertv2``): `read_batch` reads each
``upsertDetails`` item on its own (an item that cannot be read is its error,
not the request's), the account applies the writes
([`batch_upsert`][salesmanago_emulator.state.contacts.ContactsArea.batch_upsert]), and
`batch_outcome` gives ``contactIds`` (e-mail -> id) and the failures,
each named under its item (``upsertDetails[3].contact.email``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from ..errors import (
    RULE_NOT_EMPTY,
    RULE_REQUIRED,
    RULE_STRING,
    RULE_STRING_OR_NUMBER,
    EmulatorError,
    InvalidField,
)
from ..state._card import (
    Birthday,
    ConsentDetail,
    ContactRecord,
    ContactWrite,
    DictionaryProperty,
    DoubleOptIn,
)
from ..state.contacts import BATCH_UPSERT_LIMIT
from ._parse import (
    Body,
    item_prefix,
    number_text,
    opt_bool,
    opt_date,
    opt_int,
    opt_list,
    opt_object,
    opt_str,
    opt_str_map,
    opt_tags,
    req_bool,
    req_list,
    req_str,
)

__all__ = [
    "BATCH_ITEMS",
    "batch_outcome",
    "opt_text",
    "read_batch",
    "read_double_opt_in",
    "read_write",
    "under_item",
]

BATCH_ITEMS: Final = "upsertDetails"
"""The key of a batch's items."""


def _scalar_text(body: Body, key: str, prefix: str) -> str:
    value = body.get(key)
    if value is None:
        raise InvalidField(prefix + key, RULE_REQUIRED)
    text = value if isinstance(value, str) else number_text(value)
    if text is None:
        raise InvalidField(prefix + key, RULE_STRING_OR_NUMBER)
    return text


def _dictionary(body: Body) -> tuple[DictionaryProperty, ...] | None:
    items = opt_list(body, "dictionaryProperties")
    if items is None:
        return None
    out = []
    for index, item in enumerate(items):
        where = item_prefix("", "dictionaryProperties", index)
        out.append(
            DictionaryProperty(
                name=req_str(item, "name", where),
                type=req_str(item, "type", where),
                value=_scalar_text(item, "value", where),
            )
        )
    return tuple(out)


def _consents(body: Body) -> tuple[ConsentDetail, ...] | None:
    items = opt_list(body, "consentDetails")
    if items is None:
        return None
    out = []
    for index, item in enumerate(items):
        where = item_prefix("", "consentDetails", index)
        out.append(
            ConsentDetail(
                name=req_str(item, "consentName", where),
                accept=req_bool(item, "consentAccept", where),
                agreement_date=opt_date(item, "agreementDate", where),
                ip=opt_str(item, "ip", where),
                opt_out=bool(opt_bool(item, "optOut", where)),
                description_id=opt_int(item, "consentDescriptionId", where),
            )
        )
    return tuple(out)


def opt_text(body: Body, key: str) -> str | None:
    """An optional id or text sent as a string or a number (a number as its digits)."""
    value = body.get(key)
    if value is None or isinstance(value, str):
        return value
    text = number_text(value)
    if text is None:
        raise InvalidField(key, RULE_STRING_OR_NUMBER)
    return text


def read_double_opt_in(body: Body) -> DoubleOptIn | None:
    """The double opt-in a body asks for with ``useApiDoubleOptIn: true``, or ``None``
    (protocol §5.2: the older template fields or the newer e-mail and language)."""
    if not opt_bool(body, "useApiDoubleOptIn"):
        return None
    return DoubleOptIn(
        template_id=opt_text(body, "apiDoubleOptInEmailTemplateId"),
        account_id=opt_text(body, "apiDoubleOptInEmailAccountId"),
        subject=opt_str(body, "apiDoubleOptInEmailSubject"),
        email_id=opt_text(body, "doubleOptInEmailId"),
        lang=opt_str(body, "doubleOptInLanguage"),
    )


# Wire key -> ContactWrite field, for the string fields of "contact", "contact.address"
# and the top level, and the boolean flags of the top level.
_CONTACT_STRINGS: Final = {
    "email": "email",
    "name": "name",
    "phone": "phone",
    "fax": "fax",
    "company": "company",
    "externalId": "external_id",
    "state": "state",
}
_ADDRESS_STRINGS: Final = {
    "streetAddress": "street_address",
    "zipCode": "zip_code",
    "city": "city",
    "country": "country",
}
_TOP_STRINGS: Final = {
    "province": "province",
    "lang": "lang",
    "newEmail": "new_email",
    "loyaltyProgram": "loyalty_program",
}
_TOP_FLAGS: Final = {
    "tagScoring": "tag_scoring",
    "forceOptIn": "force_opt_in",
    "forceOptOut": "force_opt_out",
    "forcePhoneOptIn": "force_phone_opt_in",
    "forcePhoneOptOut": "force_phone_opt_out",
}


def _strings(obj: Body, fields: Mapping[str, str], prefix: str, out: dict[str, Any]) -> None:
    for key, value in obj.items():
        attr = fields.get(key)
        if attr is None or value is None:
            continue
        if not isinstance(value, str):
            raise InvalidField(prefix + key, RULE_STRING)
        out[attr] = value


def _read_top_level(body: Body, fields: dict[str, Any]) -> None:
    """Read the keys beside ``contact`` into ``fields``."""
    # a request body also holds the credentials: visit it only when there is something
    if not body.keys().isdisjoint(_TOP_STRINGS):
        _strings(body, _TOP_STRINGS, "", fields)
    if not body.keys().isdisjoint(_TOP_FLAGS):
        for key, flag in _TOP_FLAGS.items():
            if key in body:
                fields[flag] = opt_bool(body, key)
    if "tags" in body:
        fields["tags"] = opt_tags(body, "tags")
    if "removeTags" in body:
        fields["remove_tags"] = opt_tags(body, "removeTags")
    if "properties" in body:
        fields["properties"] = opt_str_map(body, "properties")
    if "dictionaryProperties" in body:
        fields["dictionary_properties"] = _dictionary(body)
    if "consentDetails" in body:
        fields["consent_details"] = _consents(body)
    if "useApiDoubleOptIn" in body:
        fields["double_opt_in"] = read_double_opt_in(body)
    if "birthday" in body:
        text = opt_str(body, "birthday")
        if text is not None and text.strip():
            fields["birthday"] = Birthday.parse(text, "birthday")


def read_write(
    body: Body,
    *,
    email_fallback: bool = False,
    lang: str | None = None,
    double_opt_in: DoubleOptIn | None = None,
) -> ContactWrite:
    """The `ContactWrite` a body (or a batch item) asks for.

    Errors name fields as a single write spells them (``contact.email``); the
    batch route names them under the item
    ([`InvalidField.under`][salesmanago_emulator.errors.InvalidField.under]).

    ``email_fallback``: take a top-level ``email`` when ``contact.email`` is
    absent (some clients send it there on upsert, protocol §13.3). ``lang``:
    the batch-level language, used when the item sets none; ``double_opt_in``: the
    batch-level double opt-in, for the items that do not say ``useApiDoubleOptIn``.

    Only the keys present are visited (a request carries a handful of the
    two dozen possible ones), which keeps this cheap on the hot path. The fields
    are read straight into a `ContactWrite.sparse` write's instance dictionary:
    the result is `ContactWrite.of` of the fields read, without the copy.
    """
    write = ContactWrite.sparse()
    fields: dict[str, Any] = vars(write)  # a field left out reads the class's None
    contact = body.get("contact")
    if not isinstance(contact, dict):
        contact = opt_object(body, "contact")  # None if absent or null, else refused
    if contact is not None:
        _strings(contact, _CONTACT_STRINGS, "contact.", fields)
        address = opt_object(contact, "address", "contact.") if "address" in contact else None
        if address is not None:
            _strings(address, _ADDRESS_STRINGS, "contact.address.", fields)
    if len(body) > 1 or contact is None:  # a batch item often holds "contact" alone
        _read_top_level(body, fields)
    if "email" not in fields and email_fallback:
        email = opt_str(body, "email")
        if email is not None:
            fields["email"] = email
    if lang is not None and "lang" not in fields:
        fields["lang"] = lang
    if double_opt_in is not None and "double_opt_in" not in fields:
        fields["double_opt_in"] = double_opt_in
    return write


def read_batch(body: Body) -> list[ContactWrite | EmulatorError]:
    """The ``upsertDetails`` of a batch (1 to 1000 items), each read on its own: its
    write, or the error reading it (named as one write names it). The batch-level
    ``lang`` and ``useApiDoubleOptIn`` apply to the items that set none. A missing,
    empty or oversized list refuses the whole request."""
    details = req_list(body, BATCH_ITEMS, limit=BATCH_UPSERT_LIMIT)
    if not details:
        raise InvalidField(BATCH_ITEMS, RULE_NOT_EMPTY)
    lang = opt_str(body, "lang")
    double_opt_in = read_double_opt_in(body)
    items: list[ContactWrite | EmulatorError] = []
    append = items.append
    for item in details:
        try:
            append(read_write(item, lang=lang, double_opt_in=double_opt_in))
        except EmulatorError as error:
            append(error)
    return items


def under_item(error: EmulatorError, index: int) -> EmulatorError:
    """A field error named under its batch item (``upsertDetails[i].``); others as they are."""
    if isinstance(error, InvalidField):
        return error.under(item_prefix("", BATCH_ITEMS, index))
    return error


def batch_outcome(
    results: Sequence[ContactRecord | tuple[str, str] | EmulatorError],
) -> tuple[dict[str, str], list[tuple[int, EmulatorError]]]:
    """``contactIds`` (the e-mail of every applied item -> its id; a card or an
    ``(email, id)`` pair) and the failed items' ``(index, error)``, the error named
    under its item, in the order of the batch."""
    contact_ids: dict[str, str] = {}
    failures: list[tuple[int, EmulatorError]] = []
    for index, result in enumerate(results):
        if isinstance(result, ContactRecord):  # the usual result first: one test per card
            contact_ids[result.email] = result.id
        elif isinstance(result, tuple):
            contact_ids[result[0]] = result[1]
        else:
            failures.append((index, under_item(result, index)))
    return contact_ids, failures
