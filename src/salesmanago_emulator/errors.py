"""Domain errors of the emulator, and every text they put on the wire.

The state layer raises these; the HTTP layer turns an :class:`EmulatorError`
into ``{"success": false, "message": error.messages}`` (plus ``values`` when
set). Texts the platform is known to use (protocol §3.3, grade A) are copied
as they are; the others follow the shapes fixed in
``docs/development/architecture.md``. No other module spells a wire text: rule
phrases used inside ``Field '...' <rule>`` messages are constants here too.

:class:`NotImplementedByEmulator` and :class:`MalformedRequest` are not
domain errors: they become HTTP 404 and 400 at the edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

__all__ = [
    "API_KEY_NOT_SPECIFIED",
    "INVALID_OWNER",
    "NOT_AUTHENTICATED",
    "OWNER_NOT_SPECIFIED",
    "AuthenticationFailed",
    "Conflict",
    "ContactAlreadyExists",
    "ContactNotFound",
    "EmulatorError",
    "InvalidField",
    "LimitExceeded",
    "MalformedRequest",
    "NotImplementedByEmulator",
    "ReadOnlyOwner",
]

# --- authentication texts (protocol §3.3, grade A) -------------------------------

NOT_AUTHENTICATED: Final = "Not authenticated"
"""Unknown ``clientId`` or wrong ``sha``."""
API_KEY_NOT_SPECIFIED: Final = "Api key not specified"
"""``apiKey`` missing."""
OWNER_NOT_SPECIFIED: Final = "Not authenticated, not owner specified"
"""``owner`` missing on an owner-bound method."""
INVALID_OWNER: Final = "Not authenticated, invalid owner"
"""``owner`` is not a user of the account."""

# --- rule phrases used in "Field '<field>' <rule>" (grade D) ----------------------

RULE_REQUIRED: Final = "is required"
"""A required field is missing."""
RULE_STRING: Final = "must be a string"
"""A field that must be a string is not."""
RULE_NOT_EMPTY: Final = "must not be empty"
"""A field (or tag value) is empty or white space only."""
RULE_EMAIL: Final = "must be a valid e-mail address"
"""An e-mail address breaks the syntax rules (protocol §3.4)."""
RULE_EMAIL_TOO_LONG: Final = "must be at most {limit} characters long (got {length})"
"""An e-mail address over 254 characters (protocol §3.4)."""
RULE_EMAIL_LOCAL_TOO_LONG: Final = "must have at most {limit} characters before '@' (got {length})"
"""More than 64 characters before ``@`` (protocol §3.4)."""
RULE_TOO_LONG: Final = "must be at most {limit} characters long (got {length})"
"""A text over its limit; never truncated (S7.5)."""
RULE_AT_MOST_ITEMS: Final = "must hold at most {limit} items"
"""A list over its item limit (:class:`LimitExceeded`)."""
RULE_INTEGER: Final = "must be an integer"
"""A field that must be an integer is not."""
RULE_ONE_OF: Final = "must be one of {choices}"
"""A value outside its enumeration."""
RULE_REAL_DATE: Final = "must be a real calendar date (got {value})"
"""A birthday that is no calendar date."""
RULE_NUMBER: Final = "must be a number for a NUMBER detail (got {value!r})"
"""A NUMBER dictionary detail that does not parse as a number (S6.2)."""
RULE_DATE: Final = (
    "must be a date yyyy-MM-dd or a millisecond timestamp for a DATE detail (got {value!r})"
)
"""A DATE dictionary detail that is neither yyyy-MM-dd nor digits (S6.2)."""
RULE_UNKNOWN_CONSENT: Final = "names no consent of this account"
"""A consent detail naming a consent the account lacks (S10.1)."""
RULE_CONSENT_ACCEPT_AND_OPT_OUT: Final = "cannot be true while consentAccept is true"
"""A consent detail both accepting and withdrawing."""
RULE_FORCE_BOTH: Final = "cannot be true together with {other}"
"""``forceOptIn`` with ``forceOptOut`` (or the phone pair)."""
RULE_MUST_MATCH_EMAIL: Final = "must match the top-level email (use newEmail to change the address)"
"""``update``'s ``contact.email`` naming another card."""
RULE_TAG_ADDED_AND_REMOVED: Final = "names tag {tag} that the same request adds"
"""One request adding and removing the same tag."""
RULE_NOT_A_USER: Final = "must be a user of the account (got {value})"
"""An owner e-mail that is no user of the account."""
RULE_OPT_SOURCE: Final = "must be one of {choices} (got {value!r})"
"""An opt-in/opt-out source outside S10.2's list."""
RULE_AWARE: Final = "must be a timezone-aware instant"
"""An instant without a time zone."""

# --- other refusals (grade D) -----------------------------------------------------

TEXT_LAST_OWNER: Final = (
    "Contact {contact} has only one owner; an owner can be removed only while there are more"
)
"""Removing the only owner of a contact (S1.5)."""
TEXT_NOT_OWNER: Final = "{owner} is not an owner of contact {contact}"
"""Removing someone who is no owner of the contact."""
TEXT_MAIN_OWNER_LEVEL: Final = (
    "{owner} is the main owner of contact {contact}; set another main owner first"
)
"""Giving the main owner a lower level."""
TEXT_READ_ONLY: Final = "Owner {owner} has read-only access to contact {contact}"
"""A read-only owner trying to change a contact (S1.4)."""


class EmulatorError(Exception):
    """Root of the errors the platform answers with ``success: false``.

    ``messages`` is the envelope's ``message`` array; ``values`` is the
    optional ``values`` object naming offending values (protocol §3.2).
    """

    messages: list[str]
    values: dict[str, object] | None

    def __init__(
        self, messages: str | Sequence[str], values: dict[str, object] | None = None
    ) -> None:
        """Build from one message or several."""
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        self.values = values
        super().__init__(str(self))

    def __str__(self) -> str:
        return "; ".join(self.messages)


class AuthenticationFailed(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """The request's credentials or ``owner`` are refused (S1.3).

    Use one of :data:`NOT_AUTHENTICATED`, :data:`API_KEY_NOT_SPECIFIED`,
    :data:`OWNER_NOT_SPECIFIED`, :data:`INVALID_OWNER`.
    """

    def __init__(self, message: str) -> None:
        """Refuse with ``message``."""
        super().__init__(message)


class ContactNotFound(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """No live contact has this e-mail or id (S2.2; soft-deleted ones count as missing, S3.2)."""

    key: str

    def __init__(self, key: str) -> None:
        """``key`` is the e-mail or contact id as the caller gave it."""
        self.key = key
        super().__init__(f"Contact not found: {key}")


class ContactAlreadyExists(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """An insert (or an e-mail change) meets a card that already holds the address (S2.1)."""

    email: str

    def __init__(self, email: str) -> None:
        """``email`` is the normalised address that is taken."""
        self.email = email
        super().__init__(f"Contact with email {email} already exists")


class InvalidField(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """A field breaks a rule: ``Field '{field}' {rule}``, with ``values={"field": field}``.

    ``field`` uses the wire spelling with dots and indexes for nesting
    (``contact.email``, ``upsertDetails[3].contact.email``).
    """

    field: str
    rule: str

    def __init__(self, field: str, rule: str) -> None:
        """Refuse ``field`` because it breaks ``rule`` (a phrase such as ``is required``)."""
        self.field = field
        self.rule = rule
        super().__init__(f"Field '{field}' {rule}", {"field": field})


class LimitExceeded(InvalidField):
    """A list field holds more items than allowed (protocol §11 item 6)."""

    limit: int

    def __init__(self, field: str, limit: int) -> None:
        """``field`` holds more than ``limit`` items."""
        self.limit = limit
        super().__init__(field, RULE_AT_MOST_ITEMS.format(limit=limit))


class Conflict(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """An operation the platform refuses for another reason than a bad field or missing contact."""

    def __init__(self, message: str) -> None:
        """Refuse with ``message``."""
        super().__init__(message)


class ReadOnlyOwner(Conflict):
    """The request's owner is only a read-only owner of the contact (S1.4)."""

    def __init__(self, owner: str, contact: str) -> None:
        """``owner`` may see but not change ``contact`` (e-mail or id)."""
        super().__init__(TEXT_READ_ONLY.format(owner=owner, contact=contact))


class NotImplementedByEmulator(Exception):  # noqa: N818 (names fixed by the contract)
    """The path is not served by the emulator (HTTP 404 at the edge)."""

    path: str

    def __init__(self, path: str) -> None:
        """``path`` is the request path, e.g. ``/api/contact/somethingNew``."""
        self.path = path
        super().__init__(f"Not implemented by the emulator: {path}")


class MalformedRequest(Exception):  # noqa: N818 (names fixed by the contract)
    """The request body cannot be read at all (HTTP 400 at the edge)."""

    message: str

    def __init__(self, message: str) -> None:
        """Describe what is wrong with the body."""
        self.message = message
        super().__init__(message)
