"""Company scoring and coworkers, built on ``contact/basic`` (semantics S4).

The platform's public API has no company endpoint (protocol §7, §13.17): a
contact's company is only its ``company`` field. So both methods take the
e-mails of the people to look at and read them with ``contact/basic`` (50 per
request, concurrently in the async client); nothing here can fail in
production for want of an endpoint.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._options import RequestOptions, Unpack
from .._validation import unique_in_order
from ..errors import ValidationError
from ..models.contacts import ContactBasic
from ._base import AsyncAPIResource, SyncAPIResource
from .contacts import basic_calls, merge_in_order

__all__ = ["AsyncScoring", "Scoring", "company_key"]


def company_key(company: str | None) -> str:
    """A company name as compared: white space trimmed, case folded (S4.3)."""
    return (company or "").strip().casefold()


def _emails(emails: Sequence[str], field: str) -> list[str]:
    if isinstance(emails, str):
        raise ValidationError(field, "must be a list of e-mails, not one string")
    return unique_in_order([e.strip() if isinstance(e, str) else e for e in emails])


def company_score(people: Sequence[ContactBasic], company: str | None) -> int:
    """The sum of the live people's scores (S4.4), of one company's when ``company``."""
    wanted = company_key(company) if company is not None else None
    return sum(
        p.score
        for p in people
        if not p.deleted and (wanted is None or company_key(p.company) == wanted)
    )


def coworkers_of(email: str, people: Sequence[ContactBasic]) -> list[ContactBasic]:
    """The live people other than ``email`` whose company is that person's (S4.3)."""
    me = email.strip().lower()
    person = next((p for p in people if p.email.strip().lower() == me), None)
    if person is None or person.deleted or not company_key(person.company):
        return []
    key = company_key(person.company)
    return [
        p
        for p in people
        if p.email.strip().lower() != me and not p.deleted and company_key(p.company) == key
    ]


class Scoring(SyncAPIResource):
    """Company scoring and coworkers from the persons' basic data (semantics S4)."""

    def company_scoring(
        self,
        emails: Sequence[str],
        *,
        company: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> int:
        """The company's scoring: the sum of the ``score`` of its persons (S4.4), given
        by e-mail. Soft-deleted contacts and unknown e-mails count nothing; an e-mail
        given twice counts once. With ``company``, only persons whose ``company``
        matches it (trimmed, case-insensitive, S4.3) count."""
        keys = _emails(emails, "emails")
        pages = self._with(options)._execute_all(basic_calls(keys, False))
        return company_score(merge_in_order(keys, pages, False), company)

    def coworkers(
        self, email: str, *, among: Sequence[str], **options: Unpack[RequestOptions]
    ) -> list[ContactBasic]:
        """The contacts of ``among`` who work where ``email`` does: same ``company``
        field, trimmed and compared case-insensitively (S4.3), live, not ``email``
        itself; in the order of ``among``. The public API cannot list a company's
        people, so the candidates must be given; an unknown ``email`` or one with no
        company has no coworkers."""
        keys = _emails([email, *_emails(among, "among")], "among")
        pages = self._with(options)._execute_all(basic_calls(keys, False))
        return coworkers_of(email, merge_in_order(keys, pages, False))


class AsyncScoring(AsyncAPIResource):
    """Company scoring and coworkers from the persons' basic data (semantics S4)."""

    async def company_scoring(
        self,
        emails: Sequence[str],
        *,
        company: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> int:
        """The company's scoring: the sum of the ``score`` of its persons (S4.4), given
        by e-mail, read 50 per request concurrently. Soft-deleted contacts and unknown
        e-mails count nothing; an e-mail given twice counts once. With ``company``,
        only persons whose ``company`` matches it (trimmed, case-insensitive, S4.3)
        count."""
        keys = _emails(emails, "emails")
        pages = await self._with(options)._execute_all(basic_calls(keys, False))
        return company_score(merge_in_order(keys, pages, False), company)

    async def coworkers(
        self, email: str, *, among: Sequence[str], **options: Unpack[RequestOptions]
    ) -> list[ContactBasic]:
        """The contacts of ``among`` who work where ``email`` does: same ``company``
        field, trimmed and compared case-insensitively (S4.3), live, not ``email``
        itself; in the order of ``among``. The public API cannot list a company's
        people, so the candidates must be given; an unknown ``email`` or one with no
        company has no coworkers."""
        keys = _emails([email, *_emails(among, "among")], "among")
        pages = await self._with(options)._execute_all(basic_calls(keys, False))
        return coworkers_of(email, merge_in_order(keys, pages, False))
