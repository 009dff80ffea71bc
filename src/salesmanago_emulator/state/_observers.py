"""Hooks for areas that must follow contact changes (companies, funnels, ...).

Company scoring (S4.4) follows every change of a contact's score, company and
deletion; funnel counts drop soft-deleted contacts. Such areas subclass
:class:`ContactObserver` and register with
:meth:`~salesmanago_emulator.state.account.Account.add_observer`. The account
calls the hooks after a change is complete; they must not raise.
"""

from __future__ import annotations

from ._card import Confirmation, ConsentState, ContactRecord

__all__ = ["HOOKS", "ContactObserver"]


class ContactObserver:
    """No-op base: override the hooks you need."""

    def contact_saved(self, record: ContactRecord, *, created: bool) -> None:
        """A live card was created (``created``) or changed, restored included."""

    def contact_deleted(self, record: ContactRecord) -> None:
        """A card was soft-deleted: it stays readable but counts nowhere (S3.1)."""

    def contact_restored(self, record: ContactRecord) -> None:
        """A soft-deleted card was restored (S3.2); :meth:`contact_saved` follows."""

    def contact_removed(self, record: ContactRecord) -> None:
        """A card is gone for good: permanent delete, forget me, or the nightly purge."""

    def email_status_changed(self, record: ContactRecord, opted_out: bool, source: str) -> None:
        """The card's e-mail status really changed to ``opted_out`` (S10.2 ``source``).

        Called right after the change, whatever the path (a write's force flags,
        opt-in/opt-out, restoring the status before "invalid"); never when the
        status stays as it was. The write around it may still be completing.
        """

    def consent_changed(self, record: ContactRecord, name: str, state: ConsentState) -> None:
        """A named consent of the card got a new state (S10.1): given (``CONFIRMED``),
        withdrawn (``WITHDRAWN``) or left unconfirmed; never when it stays the same.
        The write around it may still be completing."""

    def confirmation_changed(self, record: ContactRecord, confirmation: Confirmation) -> None:
        """A double opt-in confirmation of the card was requested (status ``PENDING``),
        confirmed (``CONFIRMED``, after the opt-in it brings) or ran out (``EXPIRED``)."""


HOOKS: tuple[str, ...] = (
    "contact_saved",
    "contact_deleted",
    "contact_restored",
    "contact_removed",
    "email_status_changed",
    "consent_changed",
    "confirmation_changed",
)
"""The hooks of :class:`ContactObserver`: an account calls each one only on the
observers that override it (most areas follow one or two kinds of change)."""
