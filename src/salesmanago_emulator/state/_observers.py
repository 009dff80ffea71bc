"""Hooks for areas that must follow contact changes (companies, funnels, ...).

Company scoring (S4.4) follows every change of a contact's score, company and
deletion; funnel counts drop soft-deleted contacts. Such areas subclass
`ContactObserver` and register with
[`add_observer`][salesmanago_emulator.Account.add_observer]. The account
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
        """A soft-deleted card was restored (S3.2); `contact_saved` follows."""

    def contact_removed(self, record: ContactRecord) -> None:
        """A card is gone for good: permanent delete, forget me, or the nightly purge."""

    def email_status_changed(self, record: ContactRecord, opted_out: bool, source: str) -> None:
        """The card's e-mail status really changed to ``opted_out`` (S10.2 ``source``).

        Called right after the change, whatever the path (a write's force flags,
        opt-in/opt-out, restoring the status before "invalid"); never when the
        status stays as it was. The write around it may still be completing.
        """

    def owner_assigned(
        self, record: ContactRecord, owner: str, level: str, previous: str | None
    ) -> None:
        """User ``owner`` now owns the card at ``level`` (S1.4); ``previous``: its level
        before (``None``: it owned nothing). A new main owner's old one is assigned
        ``CO_OWNER`` by a call of its own."""

    def owner_removed(self, record: ContactRecord, owner: str, level: str) -> None:
        """User ``owner`` (owning at ``level``) no longer owns the card (S1.5)."""

    def phone_status_changed(self, record: ContactRecord, opted_out: bool, source: str) -> None:
        """The card's mobile-marketing status really changed to ``opted_out`` (S2.7)."""

    def invalid_status_changed(self, record: ContactRecord, invalid: bool) -> None:
        """The card's address was marked invalid, or unmarked (S2.6)."""

    def note_added(self, record: ContactRecord, note_id: str, author: str, private: bool) -> None:
        """User ``author`` added note ``note_id`` to the card (S9.1)."""

    def coupon_given(self, record: ContactRecord, coupon: str, name: str) -> None:
        """The card was given coupon ``coupon`` named ``name`` (S8.1)."""

    def funnel_stage_changed(
        self, record: ContactRecord, funnel: str, stage: str | None, previous: str | None
    ) -> None:
        """The card now stands at ``stage`` of ``funnel`` (``None``: it left the funnel);
        ``previous``: the stage it stood at (``None``: it joined) (S12.1)."""

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
    "owner_assigned",
    "owner_removed",
    "phone_status_changed",
    "invalid_status_changed",
    "note_added",
    "coupon_given",
    "funnel_stage_changed",
    "consent_changed",
    "confirmation_changed",
)
"""The hooks of `ContactObserver`: an account calls each one only on the
observers that override it (most areas follow one or two kinds of change)."""
