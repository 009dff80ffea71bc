"""Addressees: who a call names by e-mail, contact id or tag (protocol §5.4).

A `Target` is one addressee as an area's method takes it. `resolve`
checks a list of them and finds the live cards they name, all before anything
changes: an ``EMAIL`` or ``CONTACT_ID`` must name a live card (a soft-deleted
one names nobody, S3.1), a ``TAG`` names every live card carrying it (maybe
none). Errors name the list ``contacts`` and its items (``contacts[2].value``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, NamedTuple

import attrs

from ..errors import RULE_NOT_EMPTY, RULE_ONE_OF, ContactNotFound, InvalidField
from ._card import ContactRecord
from ._core import AccountCore
from ._normalize import check_text, normalize_tags

__all__ = ["ADDRESSEE_TYPES", "Addressed", "Target", "checked", "resolve"]

ADDRESSEE_TYPES: Final = ("EMAIL", "CONTACT_ID", "TAG")
"""The addressee kinds a `Target` takes (protocol §5.4)."""


@attrs.frozen
class Target:
    """One addressee (protocol §5.4): ``kind`` is ``EMAIL``, ``CONTACT_ID`` or ``TAG``
    (every live contact with the tag), ``value`` the e-mail, id or tag name."""

    kind: str
    value: str


class Addressed(NamedTuple):
    """The live cards a list of addressees names, each once, in the order named.

    ``named``: by ``EMAIL`` or ``CONTACT_ID``; ``tagged``: by a ``TAG`` only.
    """

    named: list[ContactRecord]
    tagged: list[ContactRecord]

    @property
    def cards(self) -> list[ContactRecord]:
        """Every card named, by e-mail or id first, then by tag."""
        return [*self.named, *self.tagged]


def checked(target: Target, where: str) -> tuple[str, str]:
    """``(kind, value)`` of one addressee: the kind upper case, the value trimmed;
    a kind outside `ADDRESSEE_TYPES` or a blank value -> InvalidField naming
    ``<where>addresseeType`` / ``<where>value`` (``where`` ends in a dot)."""
    kind = target.kind.strip().upper() if isinstance(target.kind, str) else ""
    if kind not in ADDRESSEE_TYPES:
        raise InvalidField(
            where + "addresseeType", RULE_ONE_OF.format(choices=", ".join(ADDRESSEE_TYPES))
        )
    return kind, check_text(target.value, where + "value").strip()


def resolve(account: AccountCore, targets: Sequence[Target]) -> Addressed:
    """The live cards ``targets`` name (at least one target); all checked first.

    A kind outside `ADDRESSEE_TYPES` or a blank value -> InvalidField
    naming ``contacts[i].…``; an ``EMAIL`` / ``CONTACT_ID`` naming no live card
    (or an ``EMAIL`` holding an id, or the reverse) -> ContactNotFound.
    """
    if isinstance(targets, str) or not targets:
        raise InvalidField("contacts", RULE_NOT_EMPTY)
    named: dict[str, ContactRecord] = {}
    tags: list[str] = []
    for index, target in enumerate(targets):
        where = f"contacts[{index}]."
        kind, value = checked(target, where)
        if kind == "TAG":
            try:
                tags.extend(normalize_tags([value], "value"))
            except InvalidField as err:
                raise InvalidField(where + "value", err.rule) from None
            continue
        record = account.find_live_by(kind, value)
        if record is None:
            raise ContactNotFound(target.value)
        named.setdefault(record.id, record)
    tagged = [r for r in account.live_tagged(tags) if r.id not in named] if tags else []
    return Addressed(list(named.values()), tagged)
