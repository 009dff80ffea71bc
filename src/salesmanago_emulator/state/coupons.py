"""Coupons of contacts: add (generated or manual), use once, expire (semantics S8).

A coupon has a name (at most 64 characters), a value, a validity instant and a
used/unused state. The value is either generated from
[`CouponsArea.generator`][salesmanago_emulator.state.coupons.CouponsArea.generator] (``length`` 5-64
characters of ``A-Z0-9``; a seeded `random.Random`, so runs are repeatable) or given by the caller
(5-32 characters, kept exactly as given, spaces and dots included). Values are unique in an account:
a generated value never repeats one the account holds, a manual one that does is refused.

[`CouponsArea.add`][salesmanago_emulator.state.coupons.CouponsArea.add] (the wire's
``addContactCoupon``) given an e-mail of no live card creates that card, or restores a soft-deleted
one, through the account's upsert, as an external event does (S7.6): a live suite adds a coupon
to an e-mail it has just deleted for good and succeeds (protocol §14). An
unknown contact id is still not found.

A contact's coupons live on its card (extension ``coupons``, value -> coupon, in
the order they were added) and an account-wide index maps each value to its
contact. Soft delete keeps them (a restored contact has them back) but makes
the contact missing for [`CouponsArea.use`][salesmanago_emulator.state.coupons.CouponsArea.use]; a
permanent delete, "forget me" or the nightly purge drops them and frees their values.
"""

from __future__ import annotations

import random
import string
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import ClassVar, Final

import attrs

from ..errors import (
    RULE_AWARE,
    RULE_BETWEEN,
    RULE_INTEGER,
    RULE_LENGTH_OR_COUPON,
    RULE_NOT_EMPTY,
    RULE_STRING,
    RULE_TOO_LONG,
    RULE_TOO_SHORT,
    TEXT_COUPON_NO_FREE_VALUE,
    Conflict,
    ContactNotFound,
    CouponAlreadyExists,
    CouponAlreadyUsed,
    CouponExpired,
    CouponNotFound,
    InvalidField,
)
from ._card import ContactRecord, ContactWrite
from ._core import AccountArea, AccountCore
from ._normalize import check_text, validate_email
from .contacts import ContactsArea
from .users import UsersArea

__all__ = [
    "ALPHABET",
    "MAX_GENERATED_LENGTH",
    "MAX_MANUAL_LENGTH",
    "MAX_NAME",
    "MIN_LENGTH",
    "Coupon",
    "CouponsArea",
    "check_manual",
    "default_validity",
]

MAX_NAME: Final = 64
"""Longest coupon name, in characters (protocol §8.2)."""
MIN_LENGTH: Final = 5
"""Shortest coupon value, generated or manual (protocol §8.2)."""
MAX_GENERATED_LENGTH: Final = 64
"""Longest generated value (protocol §8.2)."""
MAX_MANUAL_LENGTH: Final = 32
"""Longest manual value (protocol §8.2)."""
ALPHABET: Final = string.ascii_uppercase + string.digits
"""The characters of generated values."""

_ATTEMPTS: Final = 100
"""Draws of a generated value before giving up (only a rigged generator gets there)."""


@attrs.frozen(kw_only=True)
class Coupon:
    """One coupon of one contact; replaced (not changed) when used."""

    value: str
    """The coupon code, unique in the account."""
    name: str
    """The coupon's name (at most 64 characters)."""
    contact_id: str
    """The id of the contact holding it."""
    valid: datetime
    """Usable up to and including this instant."""
    created_on: datetime
    """When it was added."""
    used_on: datetime | None = None
    """When it was used, or ``None`` while unused."""

    @property
    def used(self) -> bool:
        """Whether the coupon was used already."""
        return self.used_on is not None


def default_validity(now: datetime) -> datetime:
    """A year and a day from ``now`` (the official library's default, protocol §8.2).

    The same date next year (28 February for 29 February), plus one day.
    """
    try:
        next_year = now.replace(year=now.year + 1)
    except ValueError:  # 29 February
        next_year = now.replace(year=now.year + 1, day=28)
    return next_year + timedelta(days=1)


def check_manual(coupon: object) -> str:
    """A manual coupon value as stored (exactly as given): 5-32 characters, not blank;
    InvalidField ``coupon`` otherwise."""
    if not isinstance(coupon, str):
        raise InvalidField("coupon", RULE_STRING)
    if not coupon.strip():
        raise InvalidField("coupon", RULE_NOT_EMPTY)
    if len(coupon) < MIN_LENGTH:
        raise InvalidField("coupon", RULE_TOO_SHORT.format(limit=MIN_LENGTH, length=len(coupon)))
    if len(coupon) > MAX_MANUAL_LENGTH:
        raise InvalidField(
            "coupon", RULE_TOO_LONG.format(limit=MAX_MANUAL_LENGTH, length=len(coupon))
        )
    return coupon


def _check_length(length: object) -> int:
    if isinstance(length, bool) or not isinstance(length, int):
        raise InvalidField("length", RULE_INTEGER)
    if not MIN_LENGTH <= length <= MAX_GENERATED_LENGTH:
        raise InvalidField(
            "length",
            RULE_BETWEEN.format(minimum=MIN_LENGTH, maximum=MAX_GENERATED_LENGTH, value=length),
        )
    return length


def _check_valid(valid: datetime | None, now: datetime) -> datetime:
    if valid is None:
        return default_validity(now)
    if not isinstance(valid, datetime) or valid.tzinfo is None or valid.utcoffset() is None:
        raise InvalidField("valid", RULE_AWARE)
    return valid


class CouponsArea(AccountArea):
    """The coupons of an account's contacts (S8.1, S8.2)."""

    key: ClassVar[str] = "coupons"

    generator: random.Random
    """Where generated values come from; seeded from the client id, see
    [`seed`][salesmanago_emulator.state.coupons.CouponsArea.seed]."""

    def __init__(self, account: AccountCore, *, users: UsersArea, contacts: ContactsArea) -> None:
        """No coupons yet; the generator seeded from the account's client id. A coupon
        for an e-mail of no live card makes the card through ``contacts``."""
        super().__init__(account)
        self._users = users
        self._contacts = contacts
        self._contact_of: dict[str, str] = {}
        self.generator = random.Random()
        self.seed()

    def seed(self, value: int | str | None = None) -> None:
        """Re-seed [`generator`][salesmanago_emulator.state.coupons.CouponsArea.generator] with
        ``value`` (default: ``"coupons:<clientId>"``)."""
        self.generator.seed(f"coupons:{self.account.client_id}" if value is None else value)

    # --- reads -------------------------------------------------------------------

    def of(self, record: ContactRecord) -> list[Coupon]:
        """The coupons of ``record`` in the order they were added."""
        held = record.extension(self.key)
        return list(held.values()) if isinstance(held, dict) else []

    def get(self, value: str) -> Coupon | None:
        """The coupon with this exact value in the account, or ``None``."""
        contact_id = self._contact_of.get(value)
        if contact_id is None:
            return None
        record = self.account.find(contact_id)
        return None if record is None else self._held(record).get(value)

    # --- writes ------------------------------------------------------------------

    def add(
        self,
        key: str,
        name: str,
        *,
        length: int | None = None,
        coupon: str | None = None,
        valid: datetime | None = None,
        owner: str | None = None,
    ) -> Coupon:
        """Give the contact ``key`` (e-mail or id) a coupon named ``name``.

        A manual ``coupon`` (5-32 characters) wins over ``length`` (then not
        read, as the live platform does); otherwise a value of ``length``
        characters (5-64) is generated. ``valid`` (aware) defaults to
        `default_validity`. An e-mail of no live card creates the card
        (owned by ``owner``, else the account's first user), or restores a
        soft-deleted one, once every argument passed (protocol §14). Refusals:
        InvalidField naming ``email``, ``name``, ``length``, ``coupon`` or
        ``valid``; AuthenticationFailed (``owner`` not a user); ContactNotFound
        (an id of no live card); ReadOnlyOwner; CouponAlreadyExists for a manual
        value the account holds.
        """
        user = self._users.acting(owner) if owner is not None else None
        self.account.tick()
        record = self.account.store.lookup(key) if isinstance(key, str) else None
        email = None
        if record is None or record.deleted:
            if not isinstance(key, str) or "@" not in key:  # an id names a card, never makes one
                raise ContactNotFound(str(key))
            email = validate_email(key, "email")
        name, size, manual, expires = self._checked(name, length, coupon, valid, 1)
        if record is not None:
            self.account.check_may_write(record, user)  # a restore must be allowed too
        values = [manual] if manual is not None else self._generate(size, 1)
        if email is not None:  # every check passed: the card is made or restored
            write = ContactWrite(email=email)
            record = self._contacts.upsert(write, self._users[0] if user is None else user)
        assert record is not None
        return self._give([record], values, name, expires)[0]

    def add_many(
        self,
        keys: Sequence[str],
        name: str,
        *,
        length: int | None = None,
        coupon: str | None = None,
        valid: datetime | None = None,
        owner: str | None = None,
    ) -> list[Coupon]:
        """Give each live contact of ``keys`` a coupon at once (S8.2; no wire method).

        All or nothing: every contact and argument is checked first; a key of
        no live card -> ContactNotFound (no card is made here). A manual
        ``coupon`` can go to one contact only (values are unique).
        """
        user = self._users.acting(owner) if owner is not None else None
        record_list = [self.account.find_live(key) for key in keys]
        name, size, manual, expires = self._checked(name, length, coupon, valid, len(record_list))
        for record in record_list:
            self.account.check_may_write(record, user)
        values = [manual] if manual is not None else self._generate(size, len(record_list))
        return self._give(record_list, values, name, expires)

    def check_generated(
        self, name: str, *, length: int | None, valid: datetime | None = None
    ) -> None:
        """Refuse, changing nothing, what `add_many` would refuse of generated coupons named
        ``name`` of ``length`` characters valid until ``valid`` (InvalidField)."""
        self._checked(name, length, None, valid, 1)

    def _checked(
        self,
        name: str,
        length: int | None,
        coupon: str | None,
        valid: datetime | None,
        count: int,
    ) -> tuple[str, int, str | None, datetime]:
        """The checked name, generated length, manual value and validity of coupons for
        ``count`` contacts; a manual value the account holds (or for several) refused."""
        name = check_text(name, "name", MAX_NAME)
        if coupon is None and length is None:
            raise InvalidField("length", RULE_LENGTH_OR_COUPON)
        manual = check_manual(coupon) if coupon is not None else None
        size = _check_length(length) if manual is None else 0
        expires = _check_valid(valid, self.account.clock.now())
        if manual is not None and (manual in self._contact_of or count > 1):
            raise CouponAlreadyExists(manual)
        return name, size, manual, expires

    def _give(
        self, records: Sequence[ContactRecord], values: Sequence[str], name: str, expires: datetime
    ) -> list[Coupon]:
        """Put one coupon of each value on its card (everything was checked)."""
        now = self.account.clock.now()
        added = []
        for record, value in zip(records, values, strict=True):
            item = Coupon(
                value=value, name=name, contact_id=record.id, valid=expires, created_on=now
            )
            self._put(record, item)
            added.append(item)
            self.account.notify_coupon_given(record, value, name)
        return added

    def use(self, key: str, coupon: str, *, owner: str | None = None) -> Coupon:
        """Use (redeem) ``coupon`` of the live contact ``key`` once (S8.2); returns it used.

        Refusals, in this order: AuthenticationFailed (``owner`` not a user),
        ContactNotFound (missing or soft-deleted contact), ReadOnlyOwner,
        CouponNotFound (the contact has no such coupon, whoever else has it),
        CouponAlreadyUsed (checked before the validity), CouponExpired (the clock
        is past ``valid``).
        """
        user = self._users.acting(owner) if owner is not None else None
        record = self.account.find_live(key)
        now = self.account.clock.now()
        self.account.check_may_write(record, user)
        held = self._held(record)
        item = held.get(coupon) if isinstance(coupon, str) else None
        if item is None:
            raise CouponNotFound(str(coupon))
        if item.used:
            raise CouponAlreadyUsed(item.value)
        if now > item.valid:
            raise CouponExpired(item.value, item.valid.isoformat())
        used = attrs.evolve(item, used_on=now)
        held[item.value] = used
        return used

    # --- helpers -----------------------------------------------------------------

    def _held(self, record: ContactRecord) -> dict[str, Coupon]:
        held = record.extension(self.key)
        return held if isinstance(held, dict) else {}

    def _put(self, record: ContactRecord, item: Coupon) -> None:
        held = record.extension(self.key)
        if not isinstance(held, dict):
            held = {}
            record.set_extension(self.key, held)
        held[item.value] = item
        self._contact_of[item.value] = record.id

    def _generate(self, length: int, count: int) -> list[str]:
        """``count`` distinct values of ``length`` characters the account does not hold."""
        values: list[str] = []
        taken = self._contact_of
        for _ in range(count):
            for _attempt in range(_ATTEMPTS):
                value = "".join(self.generator.choices(ALPHABET, k=length))
                if value not in taken and value not in values:
                    values.append(value)
                    break
            else:
                raise Conflict(TEXT_COUPON_NO_FREE_VALUE.format(length=length))
        return values

    # --- contact hooks, reset, state import --------------------------------------------

    def contact_removed(self, record: ContactRecord) -> None:
        """The contact is gone for good: its coupons go with it and their values are free."""
        for value in self._held(record):
            if self._contact_of.get(value) == record.id:
                del self._contact_of[value]

    def reset(self) -> None:
        """No coupons; the generator back at its default seed."""
        self._contact_of.clear()
        self.seed()

    def restore_saved(self, record: ContactRecord, item: Coupon) -> None:
        """Put back coupon ``item`` of ``record`` as a state export saved it, after the
        card's others (a state import: nothing is checked here)."""
        self._put(record, item)
