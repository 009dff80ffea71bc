"""Loyalty programs: enrol contacts, remove them, add or subtract points
(protocol §8.6, §5.4; issue 12 wire §3).

A program is named by its name; contacts by e-mail, contact id or tag, which this
API spells in lower case (``email``, ``contact_id``, ``tag``). Programs are made in
the platform's UI (in the emulator, through its control API).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final

from .._calls import Call, Endpoint, Envelope
from .._options import RequestOptions, Unpack
from .._validation import check_email
from ..errors import ValidationError
from ._base import AsyncAPIResource, SyncAPIResource

__all__ = ["AsyncLoyalty", "Loyalty"]

# None is repeated once it may have landed: a repeated enrolment or removal may be
# refused (or fire the program's rules again), and repeated points are added twice.
ADD_CONTACT: Final = Endpoint("/api/loyalty/program/v1/addContact", idempotent=False)
REMOVE_CONTACT: Final = Endpoint("/api/loyalty/program/v1/removeContact", idempotent=False)
MODIFY_POINTS: Final = Endpoint("/api/loyalty/program/v1/modifyPoints", idempotent=False)


def _program(program: object) -> str:
    if not isinstance(program, str) or not program.strip():
        raise ValidationError("loyaltyProgram", "must be a non-empty loyalty program name")
    return program


def _values(values: Sequence[str], field: str, emails: bool) -> list[str]:
    if isinstance(values, str):
        raise ValidationError(field, "must be a list of values, not a single string")
    out = []
    for index, value in enumerate(values):
        where = f"{field}[{index}]"
        if emails:
            out.append(check_email(value, where))
        elif not isinstance(value, str) or not value.strip():
            raise ValidationError(where, "must be a non-empty string")
        else:
            out.append(value.strip())
    return out


def contacts_body(
    emails: Sequence[str], tags: Sequence[str], contact_ids: Sequence[str]
) -> list[dict[str, str]]:
    """``contacts``: ``[{addresseeType, value}]`` for the e-mails, then the tags, then
    the contact ids; at least one in all."""
    out = [
        {"addresseeType": kind, "value": value}
        for kind, values, field in (
            ("email", emails, "emails"),
            ("tag", tags, "tags"),
            ("contact_id", contact_ids, "contact_ids"),
        )
        for value in _values(values, field, emails=kind == "email")
    ]
    if not out:
        raise ValidationError("contacts", "name at least one contact: emails, tags or contact_ids")
    return out


def membership_call(
    program: str,
    emails: Sequence[str],
    tags: Sequence[str],
    contact_ids: Sequence[str],
    *,
    remove: bool,
) -> Call[None]:
    """Enrol the contacts in ``program`` (or remove them from it)."""
    body = {
        "loyaltyProgram": _program(program),
        "contacts": contacts_body(emails, tags, contact_ids),
    }
    return Call(REMOVE_CONTACT if remove else ADD_CONTACT, body, lambda _: None)


def _points(envelope: Envelope) -> int:
    value = envelope.get("points")
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value != int(value):
        raise TypeError("points: expected an integer")
    return int(value)


def modify_points_call(
    program: str,
    points: int,
    subtract: bool,
    emails: Sequence[str],
    tags: Sequence[str],
    contact_ids: Sequence[str],
    comment: str | None,
) -> Call[int]:
    """Add (or subtract) ``points`` for the contacts of ``program``: the answer's
    ``points`` is the new balance when one contact is named, else the points
    applied per contact."""
    if isinstance(points, bool) or not isinstance(points, int) or points < 1:
        raise ValidationError("points", f"must be a whole number above 0 (got {points!r})")
    body: dict[str, Any] = {
        "loyaltyProgram": _program(program),
        "contacts": contacts_body(emails, tags, contact_ids),
        "points": points,
        "modificationType": "SUBTRACT" if subtract else "ADD",
    }
    if comment is not None:
        if not isinstance(comment, str):
            raise ValidationError("comment", "must be a string")
        body["comment"] = comment
    return Call(MODIFY_POINTS, body, _points)


class Loyalty(SyncAPIResource):
    """Loyalty program members and points (protocol §8.6)."""

    def add_contacts(
        self,
        program: str,
        *,
        emails: Sequence[str] = (),
        tags: Sequence[str] = (),
        contact_ids: Sequence[str] = (),
        **options: Unpack[RequestOptions],
    ) -> None:
        """Enrol contacts (by e-mail, tag or contact id) in the program named
        ``program``. An unknown or inactive program raises NotFoundError /
        RequestFailedError with the platform's text."""
        self._with(options)._execute(
            membership_call(program, emails, tags, contact_ids, remove=False)
        )

    def remove_contacts(
        self,
        program: str,
        *,
        emails: Sequence[str] = (),
        tags: Sequence[str] = (),
        contact_ids: Sequence[str] = (),
        **options: Unpack[RequestOptions],
    ) -> None:
        """Remove contacts (by e-mail, tag or contact id) from the program."""
        self._with(options)._execute(
            membership_call(program, emails, tags, contact_ids, remove=True)
        )

    def modify_points(
        self,
        program: str,
        points: int,
        *,
        subtract: bool = False,
        emails: Sequence[str] = (),
        tags: Sequence[str] = (),
        contact_ids: Sequence[str] = (),
        comment: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> int:
        """Add ``points`` (a whole number above 0), or subtract them, for enrolled
        contacts; returns the new balance when one contact is named, else the points
        applied per contact. The platform refuses the whole call when a subtraction
        would take a contact below zero, and changes nothing."""
        call = modify_points_call(program, points, subtract, emails, tags, contact_ids, comment)
        return self._with(options)._execute(call)


class AsyncLoyalty(AsyncAPIResource):
    """Loyalty program members and points (protocol §8.6)."""

    async def add_contacts(
        self,
        program: str,
        *,
        emails: Sequence[str] = (),
        tags: Sequence[str] = (),
        contact_ids: Sequence[str] = (),
        **options: Unpack[RequestOptions],
    ) -> None:
        """Enrol contacts (by e-mail, tag or contact id) in the program named
        ``program``. An unknown or inactive program raises NotFoundError /
        RequestFailedError with the platform's text."""
        call = membership_call(program, emails, tags, contact_ids, remove=False)
        await self._with(options)._execute(call)

    async def remove_contacts(
        self,
        program: str,
        *,
        emails: Sequence[str] = (),
        tags: Sequence[str] = (),
        contact_ids: Sequence[str] = (),
        **options: Unpack[RequestOptions],
    ) -> None:
        """Remove contacts (by e-mail, tag or contact id) from the program."""
        call = membership_call(program, emails, tags, contact_ids, remove=True)
        await self._with(options)._execute(call)

    async def modify_points(
        self,
        program: str,
        points: int,
        *,
        subtract: bool = False,
        emails: Sequence[str] = (),
        tags: Sequence[str] = (),
        contact_ids: Sequence[str] = (),
        comment: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> int:
        """Add ``points`` (a whole number above 0), or subtract them, for enrolled
        contacts; returns the new balance when one contact is named, else the points
        applied per contact. The platform refuses the whole call when a subtraction
        would take a contact below zero, and changes nothing."""
        call = modify_points_call(program, points, subtract, emails, tags, contact_ids, comment)
        return await self._with(options)._execute(call)
