"""A bulk run's selection without I/O: the export jobs that find its contacts, and
how their answers combine (``contacts.recount``; docs/bulk.md "Bulk changes").

Every criterion the platform can evaluate is one job it runs: the named contacts
(e-mails and ids) one ``contact/export/data`` job, ``any_tags`` one job whose
addressees are those tags (the platform's union), each of ``all_tags`` and the
``exclude_tags`` one job each, ``everyone`` the paginated
``paginatedContactList/export``. The SDK only combines the contact ids the jobs
return; the caller's ``where`` is the one test run here, on the data fetched.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs

from .._jobs import Job, JobPage, check_timing
from .._validation import check_email, check_tags, described
from ..errors import ArgumentTypeError, ValidationError
from ..models.bulk import BulkRecount, ContactSelection, SelectedContact
from ..models.common import Addressee
from ..models.exports import ExportDataType, ExportedContact, ExportFile
from .exports import EXPORT_PAGE_MAX, FIRST_EXPORT_PAGE, contact_data_job, contacts_export_job

__all__ = ["SelectionPlan", "plan_selection"]

_FIELD: Final = "selection"
#: What the jobs of tags to leave out fetch: only the ids matter.
_IDS_ONLY: Final = (ExportDataType.CONTACT,)


def _selected(item: object) -> SelectedContact:
    """One contact of an export file (it must have an ``id``)."""
    if not isinstance(item, Mapping):
        raise TypeError(f"export file: expected contact objects, got {item!r:.80}")
    contact_id = item.get("id") or item.get("contactId")
    if not isinstance(contact_id, str) or not contact_id:
        raise TypeError("export file: a contact has no 'id'")
    email = item.get("email")
    return SelectedContact(
        contact_id=contact_id, email=email if isinstance(email, str) and email else None, data=item
    )


def read_selected(file: ExportFile) -> list[SelectedContact]:
    """The contacts of a ``contact/export/data`` file: JSON ``{"contacts": [...]}``."""
    document = file.json()
    if not isinstance(document, Mapping) or not isinstance(document.get("contacts", []), list):
        raise TypeError("export file: expected a JSON object with a 'contacts' list")
    return [_selected(item) for item in document.get("contacts") or []]


def _from_export(contact: ExportedContact) -> SelectedContact:
    """A contact of the paginated export of every contact."""
    if not contact.contact_id:
        raise TypeError("export file: a contact has no 'id'")
    return SelectedContact(contact_id=contact.contact_id, email=contact.email, data=contact.raw)


@attrs.frozen
class SelectionPlan:
    """The jobs of one selection and how their answers combine.

    Attributes:
        selection: the selection, checked.
        named: the job of the named contacts (e-mails and ids), if any.
        any_tags: the job of the contacts carrying one of ``any_tags``, if any.
        all_tags: one job per tag of ``all_tags``.
        excluded: the job of the contacts carrying one of ``exclude_tags``, if any.
        everyone: the first page's job of the export of every contact, if asked.
    """

    selection: ContactSelection
    named: Job[list[SelectedContact]] | None
    any_tags: Job[list[SelectedContact]] | None
    all_tags: tuple[Job[list[SelectedContact]], ...]
    excluded: Job[list[SelectedContact]] | None
    everyone: Job[JobPage[ExportedContact]] | None

    @property
    def jobs(self) -> list[Job[list[SelectedContact]]]:
        """The ``contact/export/data`` jobs, in the order `combine` takes their answers."""
        jobs = [self.named, self.any_tags, *self.all_tags, self.excluded]
        return [job for job in jobs if job is not None]

    def combine(
        self, answers: Sequence[list[SelectedContact]], everyone: Iterable[ExportedContact]
    ) -> BulkRecount:
        """The selected contacts from each job's answer (in `jobs` order) and the
        contacts of the export of every contact (empty unless asked)."""
        found = iter(answers)
        named = next(found) if self.named is not None else []
        tagged = _tag_matches(
            next(found) if self.any_tags is not None else None,
            [next(found) for _ in self.all_tags],
        )
        dropped = {c.contact_id for c in next(found)} if self.excluded is not None else set()
        pool = [_from_export(c) for c in everyone] if self.everyone is not None else []
        chosen: dict[str, SelectedContact] = {}
        for contact in [*named, *tagged, *pool]:
            if contact.contact_id not in dropped:
                chosen.setdefault(contact.contact_id, contact)
        where = self.selection.where
        contacts = [c for c in chosen.values() if where is None or where(c)]
        requests = len(answers) + (self.everyone is not None)
        return BulkRecount(
            contacts=tuple(contacts), missing=self._missing(named), requests=requests
        )

    def _missing(self, named: Sequence[SelectedContact]) -> tuple[str, ...]:
        """The e-mails and ids named that the platform found no live contact for."""
        emails = {c.email.strip().lower() for c in named if c.email}
        ids = {c.contact_id for c in named}
        gone = [e for e in self.selection.emails if e.strip().lower() not in emails]
        return (*gone, *(i for i in self.selection.contact_ids if i not in ids))


def _tag_matches(
    any_of: list[SelectedContact] | None, each: Sequence[list[SelectedContact]]
) -> list[SelectedContact]:
    """The contacts of ``any_of`` (or of the first ``each``) found by every job of ``each``."""
    if any_of is None and not each:
        return []
    base = any_of if any_of is not None else each[0]
    keep = [{c.contact_id for c in found} for found in each]
    return [c for c in base if all(c.contact_id in ids for ids in keep)]


def _check_selection(selection: object) -> ContactSelection:
    """The selection's values as the platform takes them, or the error naming one."""
    if not isinstance(selection, ContactSelection):
        raise ArgumentTypeError(_FIELD, f"must be a ContactSelection, got {described(selection)}")
    emails = tuple(check_email(e, f"{_FIELD}.emails[{i}]") for i, e in enumerate(selection.emails))
    for index, contact_id in enumerate(selection.contact_ids):
        if not isinstance(contact_id, str) or not contact_id.strip():
            raise ValidationError(f"{_FIELD}.contact_ids[{index}]", "must be a non-empty id")
    any_tags, all_tags, exclude_tags = (
        tuple(check_tags(getattr(selection, name), f"{_FIELD}.{name}"))
        for name in ("any_tags", "all_tags", "exclude_tags")
    )
    chosen = emails or selection.contact_ids or any_tags or all_tags
    if not isinstance(selection.everyone, bool):
        raise ValidationError(f"{_FIELD}.everyone", "must be a boolean")
    if selection.everyone and chosen:
        raise ValidationError(
            f"{_FIELD}.everyone",
            "cannot be combined with emails, contact_ids, any_tags or all_tags "
            "(everyone already holds them)",
        )
    if not selection.everyone and not chosen:
        raise ValidationError(
            _FIELD, "names no contact: give emails, contact_ids, any_tags, all_tags or everyone"
        )
    if selection.where is not None and not callable(selection.where):
        raise ArgumentTypeError(f"{_FIELD}.where", "must be a function of a SelectedContact")
    return attrs.evolve(
        selection,
        emails=emails,
        contact_ids=tuple(i.strip() for i in selection.contact_ids),
        fetch=_fetch(selection.fetch),
        any_tags=any_tags,
        all_tags=all_tags,
        exclude_tags=exclude_tags,
    )


def _fetch(kinds: Sequence[str]) -> tuple[str, ...]:
    if not kinds:
        raise ValidationError(f"{_FIELD}.fetch", "must name at least one export data type")
    out = []
    for index, kind in enumerate(kinds):
        try:
            out.append(ExportDataType(kind).value)
        except ValueError:
            choices = ", ".join(t.value for t in ExportDataType)
            raise ValidationError(f"{_FIELD}.fetch[{index}]", f"must be one of {choices}") from None
    return tuple(out)


def plan_selection(selection: object, deadline: float, poll_interval: float) -> SelectionPlan:
    """The jobs that find the contacts of ``selection``, checked first (nothing is
    sent for a selection the platform would refuse)."""
    checked = _check_selection(selection)
    check_timing(deadline, poll_interval)
    data = [ExportDataType(kind) for kind in checked.fetch]
    job = functools.partial(_data_job, deadline=deadline, poll_interval=poll_interval)
    named: list[str | Addressee] = [
        *checked.emails,
        *(Addressee.contact_id(i) for i in checked.contact_ids),
    ]
    return SelectionPlan(
        selection=checked,
        named=job(named, data) if named else None,
        any_tags=job([Addressee.tag(t) for t in checked.any_tags], data)
        if checked.any_tags
        else None,
        all_tags=tuple(job([Addressee.tag(t)], data) for t in checked.all_tags),
        excluded=job([Addressee.tag(t) for t in checked.exclude_tags], _IDS_ONLY)
        if checked.exclude_tags
        else None,
        everyone=contacts_export_job(EXPORT_PAGE_MAX, FIRST_EXPORT_PAGE, deadline, poll_interval)
        if checked.everyone
        else None,
    )


def _data_job(
    contacts: Sequence[str | Addressee],
    data: Sequence[ExportDataType],
    *,
    deadline: float,
    poll_interval: float,
) -> Job[list[SelectedContact]]:
    """A ``contact/export/data`` job whose file is read as selected contacts."""
    exported = contact_data_job(contacts, data, deadline, poll_interval)
    return Job(exported.start, read_selected, deadline=deadline, poll_interval=poll_interval)
