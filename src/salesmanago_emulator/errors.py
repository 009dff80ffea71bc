"""Domain errors of the emulator, and every text they put on the wire.

The state layer raises these; the HTTP layer turns an
[`EmulatorError`][salesmanago_emulator.errors.EmulatorError] into
``{"success": false, "message": error.messages}`` (plus ``values`` when set). Texts the platform is
known to use (protocol §3.3, grade A) are copied as they are; the others follow the shapes fixed in
``docs/development/architecture.md``. No other module spells a wire text: rule
phrases used inside ``Field '...' <rule>`` messages are constants here too.

[`NotImplementedByEmulator`][salesmanago_emulator.errors.NotImplementedByEmulator] and
[`MalformedRequest`][salesmanago_emulator.errors.MalformedRequest] are not domain errors: they
become HTTP 404 and 400 at the edge.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Final, TypeVar

import attrs

__all__ = [
    "API_KEY_NOT_SPECIFIED",
    "INVALID_OWNER",
    "NOT_AUTHENTICATED",
    "OWNER_NOT_SPECIFIED",
    "TOKEN_NOT_SPECIFIED",
    "TOKEN_REFRESH_FAILED",
    "USER_NOT_AUTHENTICATED",
    "WRONG_TOKEN",
    "AuthenticationFailed",
    "CompanyNotFound",
    "Conflict",
    "ContactAlreadyExists",
    "ContactNotFound",
    "CouponAlreadyExists",
    "CouponAlreadyUsed",
    "CouponExpired",
    "CouponNotFound",
    "EmulatorError",
    "EventNotFound",
    "FunnelAlreadyExists",
    "FunnelNotFound",
    "InvalidField",
    "LimitExceeded",
    "LoyaltyProgramError",
    "LoyaltyProgramExists",
    "LoyaltyProgramInactive",
    "LoyaltyProgramNotFound",
    "MalformedRequest",
    "NotImplementedByEmulator",
    "Problem",
    "Problems",
    "ReadOnlyOwner",
    "ReasonCode",
    "RuleNotFound",
    "StageNotFound",
    "TaskNotFound",
    "V3FieldError",
    "V3Refused",
    "WorkflowNotFound",
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

# --- the login chain (protocol §2.3, §3.3, grade A) --------------------------------

USER_NOT_AUTHENTICATED: Final = "User not authenticated"
ALREADY_REGISTERED: Final = "Unable to create account: Already registered"
"""``system/registeraccount`` for an e-mail that is a user already (§3.3, grade A)."""
"""A login (``system/authorise``, ``authorization/token``) with a wrong user or password."""
TOKEN_NOT_SPECIFIED: Final = "Token not specified"
"""``account/integration`` without a ``token``."""
WRONG_TOKEN: Final = "Authorization failed. Wrong Token"
"""``account/integration`` with a token the platform never issued, or one expired."""
TOKEN_REFRESH_FAILED: Final = "Token refreshed failed"
"""``authorization/refreshToken`` for an owner who cannot log in (no password)."""

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
"""A list over its item limit ([`LimitExceeded`][salesmanago_emulator.errors.LimitExceeded])."""
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
RULE_EVENT_TYPE: Final = "must be one of the external event types of protocol §5.5 (got {value!r})"
"""An event type outside the closed list (S7.1)."""
RULE_DIGITS_BEFORE_POINT: Final = (
    "must have at most {limit} digits before the decimal point (got {count})"
)
"""A money value with too many integer digits (protocol §3.4, S7.5)."""
RULE_DIGITS_AFTER_POINT: Final = (
    "must have at most {limit} digits after the decimal point (got {count})"
)
"""A money value with too many fraction digits (protocol §3.4, S7.5)."""
RULE_EXTERNAL_ID_TAKEN: Final = "is already used by event {event_id} of this contact"
"""An event update giving an ``externalId`` another event of the contact has (S7.4)."""
RULE_EXTERNAL_ID_AMBIGUOUS: Final = "names events of {count} contacts; give email or contactId"
"""A delete by ``externalId`` that several contacts use."""
RULE_EXCLUSIVE: Final = "cannot be given together with {other}"
"""Two fields of which only one may be sent."""
RULE_TOO_SHORT: Final = "must be at least {limit} characters long (got {length})"
"""A text under its minimum length (a manual coupon, S8.1)."""
RULE_BETWEEN: Final = "must be between {minimum} and {maximum} (got {value})"
"""A number outside its range (a generated coupon's ``length``, S8.1)."""
RULE_LENGTH_OR_COUPON: Final = "is required when no coupon is given"
"""``addContactCoupon`` with neither ``length`` nor ``coupon`` (S8.1)."""
RULE_PART_REQUIRED: Final = "is required when no {other} is sent"
"""``integration/upsert`` with neither of its two parts."""

RULE_BOOLEAN: Final = "must be a boolean"
"""A field that must be ``true`` or ``false`` is not."""
RULE_MIN: Final = "must be at least {minimum}"
"""A number under its minimum."""
RULE_MAX: Final = "must be at most {maximum}"
"""A number over its maximum."""
RULE_OBJECT: Final = "must be an object"
"""A field that must be a JSON object is not."""
RULE_LIST: Final = "must be a list"
"""A field that must be a JSON array is not."""
RULE_LIST_OF_STRINGS: Final = "must be a list of strings"
"""A list holding something other than strings."""
RULE_LIST_OF_OBJECTS: Final = "must be a list of objects"
"""A list holding something other than objects."""
RULE_STRING_OR_LIST: Final = "must be a list of strings or a comma-separated string"
"""A field taking either a list of strings or one comma-separated string."""
RULE_STRING_OR_NUMBER: Final = "must be a string or a number"
"""A field taking a string or a number."""
RULE_NUMBER_VALUE: Final = "must be a number or a numeric string"
"""A number given as something that does not read as one."""
RULE_DATE_VALUE: Final = (
    "must be a timestamp in milliseconds or seconds, a numeric string or an ISO-8601 date-time"
)
"""A date that reads as none of the forms of protocol §13.2."""
RULE_TO_BEFORE_FROM: Final = "must not be before 'from'"
"""A range whose ``to`` is before its ``from``."""
RULE_REQUEST_TIME: Final = (
    "must be a UNIX timestamp in seconds or milliseconds (a number or a numeric string)"
)
"""A ``requestTime`` that is no timestamp (protocol §2.1)."""
RULE_UNKNOWN_JOB: Final = "names no job of this account (got {value})"
"""A ``requestId`` this account never answered (grade D)."""
RULE_ZERO_OR_MORE: Final = "must be 0 or more (got {value})"
"""A duration below zero."""
RULE_JSON_VALUES: Final = "must hold JSON values only"
"""Data holding something JSON cannot carry."""
RULE_JSON_FINITE: Final = "must hold JSON values only (no NaN or infinity)"
"""Data holding NaN or an infinity."""
RULE_STRING_KEYS: Final = "must have string keys"
"""An object whose keys are not all strings."""

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
TEXT_EVENT_NOT_FOUND: Final = "Event not found: {key}"
"""No event has this ``eventId`` (or ``externalId``) in the account (S7.2)."""

# --- informative texts of successful answers (grade D) ----------------------------

TEXT_NOTE_ADDED: Final = "Note added"
"""The ``message`` of a successful ``addNote`` (protocol §3.1: success with text)."""
TEXT_JOB_RUNNING: Final = "Export {request_id} in progress"
"""``job/status``'s ``message`` while an export job runs."""
TEXT_IMPORT_RUNNING: Final = "Import {request_id} in progress"
"""``job/status``'s ``message`` while an import job (``batchupsertv2``) runs."""

# --- the HTTP edge (grade D) ------------------------------------------------------

TEXT_NOT_IMPLEMENTED: Final = "Path {path} is not implemented by the emulator"
"""A path the emulator does not serve (HTTP 404)."""
TEXT_METHOD_NOT_ALLOWED: Final = "Method {method} is not allowed: the API takes POST requests only"
"""Another method than ``POST`` on an API path (HTTP 405)."""
TEXT_NOT_JSON: Final = "Request body is not valid JSON"
"""A body that does not decode (HTTP 400)."""
TEXT_NOT_OBJECT: Final = "Request body must be a JSON object"
"""A body that decodes to something other than an object (HTTP 400)."""
TEXT_NUMBER_OUT_OF_RANGE: Final = (
    "Request body holds a number out of range: {number} "
    "(at most {limit} digits, exponent within ±{limit})"
)
"""A JSON number with too many digits or too large an exponent (HTTP 400)."""
TEXT_INTERNAL: Final = "Internal emulator error"
"""An unexpected failure inside the emulator (HTTP 500); the traceback goes to the log."""
TEXT_FILE_NOT_FOUND: Final = "Export file not found (unknown, not ready yet, or a wrong link)"
"""The HTTP 404 answer to a ``GET`` of no ready export file."""

# --- injected faults (grade D) ----------------------------------------------------

TEXT_RATE_LIMITED: Final = "Too many requests (injected fault)"
"""The answer of an injected ``rate_limit`` (HTTP 429)."""
TEXT_HTTP_ERROR: Final = "HTTP {status} (injected fault)"
"""The answer of an injected ``http_error``."""
TEXT_CONNECT: Final = "Injected fault: connection dropped before the request reached the platform"
"""The text of an injected ``connect_error``."""
TEXT_TIMEOUT_BEFORE: Final = "Injected fault: read timeout, the request was not applied"
"""The text of an injected ``read_timeout`` before the request is applied."""
TEXT_TIMEOUT_AFTER: Final = "Injected fault: read timeout after the request was applied"
"""The text of an injected ``read_timeout`` after the request is applied."""

# --- the control API (/_emulator/<name>, Emulator.control; grade D) ----------------

TEXT_FIELD: Final = "Field '{field}' {rule}"
"""The shape of every refusal that names a field
([`InvalidField`][salesmanago_emulator.errors.InvalidField], the control API)."""
RULE_A_NUMBER: Final = "must be a number"
"""A control field that must be a number is not."""
RULE_TRUE_OR_FALSE: Final = "must be true or false"
"""A control field that must be a boolean (or ``"true"``/``"false"``) is not."""
RULE_ISO_INSTANT: Final = "must be an ISO-8601 date-time"
"""A control instant that does not parse."""
RULE_ISO_AWARE: Final = "must be timezone-aware (add e.g. +00:00)"
"""A control instant without a zone."""
RULE_EMAIL_LIST: Final = "must be a list of e-mail addresses"
"""``accounts/create``'s ``users``."""
RULE_ACTION_KINDS: Final = "must be a list of action kinds"
"""``actions/register``'s ``kinds``."""
RULE_ZERO_OR_POSITIVE: Final = "must be zero or positive"
"""``calls``' ``limit``."""
RULE_ZERO_OR_MORE_PLAIN: Final = "must be 0 or more"
"""``jobs/configure``'s settings."""
RULE_FAULT_LIST: Final = "must be a non-empty list of rules"
"""``faults/add``'s ``faults``."""
RULE_KEY_LIST: Final = "must be a list of e-mails or contact ids"
"""The contacts of ``rules/run`` and ``workflows/run``."""
RULE_STATE_EXPORT: Final = "must be an object (an export of /_emulator/state)"
"""``state/import``'s ``state``."""
TEXT_CONTROL_UNKNOWN: Final = "Unknown control operation {name!r} (known: {known})"
"""A control name no operation has (HTTP 404)."""
TEXT_CONTROL_BODY: Final = "The body must be a JSON object"
"""An in-process control call whose body is no mapping."""
TEXT_CONTROL_WRITE_BY_GET: Final = "Control operation {name!r} changes state: use POST"
"""``GET`` on a control operation that changes state (HTTP 405)."""
TEXT_CONTROL_METHOD: Final = "Method {method} is not allowed: use POST (or GET to read)"
"""Another method than ``GET``/``POST`` on a control path (HTTP 405)."""
TEXT_NO_ACCOUNT: Final = "The emulator has no account"
"""A control operation on the default account when there is none (HTTP 404)."""
TEXT_ACCOUNT_EXISTS: Final = "An account with clientId {client_id!r} already exists"
"""``accounts/create`` of a taken client id (HTTP 409)."""
TEXT_NO_USER: Final = "No user {email} in the account {client_id!r}"
"""``users/password`` naming no user of the account (HTTP 404)."""
RULE_PASSWORDS: Final = "must be an object of user e-mail to password"
"""``accounts/create``'s ``passwords``."""
TEXT_DELIVERY_RUNNING: Final = "A callback delivery pass is running in the background; retry"
"""``callbacks/deliver`` while the server's background pass runs (HTTP 409)."""
TEXT_SYSTEM_CLOCK: Final = (
    "The emulator runs on the system clock: start it with a frozen clock "
    "(serve --now ISO) to move time"
)
"""Moving a clock that is not frozen (HTTP 409)."""
TEXT_ADVANCE_NEEDS_UNIT: Final = "Give at least one of days, hours, minutes, seconds"
"""``clock/advance`` with no amount."""
TEXT_CLOCK_FORWARD_ONLY: Final = "The clock only moves forward here: use clock/set to go back"
"""``clock/advance`` by a negative amount."""
TEXT_JOBS_CONFIGURE_NEEDS: Final = "Give pollsUntilDone and/or processingSeconds"
"""``jobs/configure`` with nothing to set."""
TEXT_FAULT_NOT_OBJECT: Final = "Fault {index} must be an object"
"""A fault rule of ``faults/add`` that is no object."""
TEXT_FAULT_UNKNOWN_FIELDS: Final = "Fault {index}: unknown fields {unknown} (known: {known})"
"""A fault rule of ``faults/add`` with fields no rule has."""
TEXT_UNKNOWN_AREA: Final = "Unknown area {key!r} (known: {known})"
"""``area`` naming no area of the account (HTTP 404)."""

# --- the state import (snapshot, --state file; grade D) -----------------------------

RULE_WIRE_DIGITS: Final = "must have at most {limit} digits, as the wire's numbers (got {count})"
"""An integer longer than the wire's JSON numbers may be."""
RULE_AT_LEAST_GOT: Final = "must be at least {minimum} (got {value})"
"""A stored number under its minimum."""
RULE_AT_MOST_GOT: Final = "must be at most {maximum} (got {value})"
"""A stored number over its maximum."""
RULE_MONEY_TEXT: Final = "must be a decimal number written as a string"
"""A stored amount that is no decimal string."""
RULE_STORED_FORM: Final = "must be written {stored!r}, as the platform stores it (got {value!r})"
"""A value the wire would have normalised (the export always holds the stored form)."""
RULE_UNKNOWN_KEY: Final = "is not a key of {shape} (keys: {keys})"
"""A key the snapshot format does not have."""
RULE_TWICE: Final = "repeats {value!r} (already at {other})"
"""A value that must be unique, given twice."""
RULE_BELOW_ZERO: Final = "takes the balance below zero (to {balance})"
"""A saved points change a member could not have made (a ``SUBTRACT`` of more than it had)."""
RULE_OVER_LIMIT: Final = "takes the balance over {limit} (to {balance})"
"""A saved points change that takes a balance over the largest the platform holds."""
RULE_SUM_OF_HISTORY: Final = "must equal the sum of the history's changes ({balance})"
"""A saved balance its history of changes does not add up to."""
RULE_EXPORT_HAS_NO_IMPORT: Final = "must be left out for an export"
"""An export job of a state import carrying an import's data."""
RULE_IMPORT_REQUEST: Final = "must be an object holding upsertDetails"
"""An import job's saved request that is no object."""
RULE_IMPORT_RESULTS: Final = "must hold one result per item ({items}, got {count})"
"""An import job's saved results not matching its items."""
RULE_IMPORT_RESULT: Final = "must have email and contactId, field and rule, or messages"
"""One saved result of an import job in none of its three shapes."""
RULE_SOME_TEXT: Final = "must hold at least one text"
"""A saved list of texts that is empty."""
RULE_GOT: Final = "{rule} (got {value})"
"""A rule with the value it was given."""
RULE_NONE_STORED: Final = "must be left out: the platform stores none (got {value!r})"
"""A value the platform would not have stored."""
RULE_ONE_TAG: Final = "must be one tag (got {count}: {tags})"
"""A saved tag that normalises to several."""
RULE_REQUEST_ID_DIGITS: Final = "must be the digits of a request id (got {value!r})"
"""A saved job id that is no request id."""
RULE_NOT_BEFORE_STARTED: Final = "must not be before started"
"""A saved job ready before it started."""
RULE_AT_MOST_SECONDS: Final = "must be at most {limit:.0f} seconds"
"""A saved duration Python cannot hold."""
RULE_AT_LEAST_ONE_USER: Final = "must name at least one user"
"""An account saved with no user."""
RULE_FORMAT: Final = "must be {expected!r}"
"""A state whose format marker is another."""
RULE_VERSION: Final = "must be {versions} (got {value!r})"
"""A state of a version this emulator does not read."""
RULE_GENERATED_COUPON: Final = "longer than {limit} characters: must be generated, of A-Z0-9"
"""A saved coupon no manual or generated code could be."""
RULE_AT_LEAST_ONE_STAGE: Final = "must hold at least one stage"
"""A saved funnel with no stage."""
RULE_NAMES_NO: Final = "names no {what} of the account (got {value!r})"
"""A saved reference to something the account lacks."""
RULE_INVALID_CARD_ONLY: Final = "is kept by an invalid card only (S2.6)"
"""A saved status before invalid on a valid card."""
RULE_MAIN_OWNER_ALREADY: Final = "is the main owner already"
"""A saved co-owner that is the main owner."""
RULE_BLANK_DETAIL: Final = "names a detail with a blank name"
"""A saved detail without a name."""
RULE_DELETED_CARD_ONLY: Final = "is kept by a deleted card only"
"""A deletion field saved on a live card."""
RULE_AT_LEAST_ONE_KIND: Final = "must name at least one action kind"
"""A saved action endpoint with no kind."""
RULE_TAG_NOT_CARRIED: Final = "names a tag no card carries"
"""A saved tag-list entry of a tag no card has."""
RULE_COMPANY_NOT_NAMED: Final = "names a company no card names"
"""A saved company no card names."""
RULE_NO_COMPANY: Final = "names a card with no company"
"""A saved company member with no company."""
RULE_PURGE_AT: Final = (
    "must be {due}: the first 02:00 after deletedAt in the account's time zone (S3.1)"
)
"""A saved purge instant that is not the one the deletion gives."""
TEXT_STATE_UNREADABLE: Final = "cannot read {path!r}: {error}"
"""A state file that cannot be read or decoded."""
TEXT_STATE_NOT_OBJECT: Final = "{path!r} does not hold a JSON object"
"""A state file whose JSON is no object."""

# --- consents, double opt-in, control keys (issue 13; grade D) ----------------------

RULE_CONFIRMATION_OPTIONS: Final = (
    "is required unless apiDoubleOptInEmailTemplateId, apiDoubleOptInEmailAccountId and "
    "apiDoubleOptInEmailSubject are all given"
)
"""``email/sendConfirmation`` with neither a language nor the template, account and subject."""
RULE_UNKNOWN_CONFIRMATION: Final = "names no confirmation of this account (got {value!r})"
"""A confirmation's request id the account never gave."""
RULE_CONFIRMATION_NOT_PENDING: Final = "names a confirmation that is {status}, not PENDING"
"""Confirming or expiring a confirmation that is resolved already."""
RULE_NO_PENDING_CONFIRMATION: Final = "names a contact with no pending confirmation"
"""Confirming or expiring by contact when it waits for none."""
RULE_CONFIRMATION_KEY: Final = "cannot be given together with contact"
"""A control call naming a confirmation both by request id and by contact."""
RULE_CONSENT_FORM_ID: Final = "is taken by consent form {name!r}"
"""A consent form id given twice."""
RULE_CONSENT_LIST: Final = "must be a list of consent names or {name, text} objects"
"""A setup's ``consents`` of another shape."""
RULE_CONSENT_FORM_LIST: Final = "must be a list of consent form names or {name, intId} objects"
"""A setup's ``consentForms`` of another shape."""
RULE_NAME_OR_OBJECT: Final = "must be a name or an object of name and {extra}"
"""An account setup's consent or consent form of another shape."""
RULE_CONTROL_KEY: Final = "is not a key of control operation {name!r} (keys: {keys})"
"""A control request carrying a key its operation does not take."""


class EmulatorError(Exception):
    """Root of the errors the platform answers with ``success: false``.

    ``messages`` is the envelope's ``message`` array; ``values`` is the
    optional ``values`` object naming offending values (protocol §3.2);
    ``answer`` holds method-specific fields the failure still carries at the
    envelope's top level (protocol §3.1), e.g. the ``contactId`` of the card an
    insert met.
    """

    messages: list[str]
    values: dict[str, object] | None
    answer: dict[str, object]

    def __init__(
        self, messages: str | Sequence[str], values: dict[str, object] | None = None
    ) -> None:
        """Build from one message or several."""
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        self.values = values
        self.answer = {}
        super().__init__(str(self))

    def __str__(self) -> str:
        return "; ".join(self.messages)


class AuthenticationFailed(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """The request's credentials or ``owner`` are refused (S1.3).

    Use one of [`NOT_AUTHENTICATED`][salesmanago_emulator.errors.NOT_AUTHENTICATED],
    [`API_KEY_NOT_SPECIFIED`][salesmanago_emulator.errors.API_KEY_NOT_SPECIFIED],
    [`OWNER_NOT_SPECIFIED`][salesmanago_emulator.errors.OWNER_NOT_SPECIFIED],
    [`INVALID_OWNER`][salesmanago_emulator.errors.INVALID_OWNER].
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
    """An insert (or an e-mail change) meets a card that already holds the address (S2.1).

    With ``contact_id`` (an insert's refusal) the answer still carries that card's
    ``contactId`` (protocol §14: a live suite re-runs an insert of a fixed address
    and reads the key).
    """

    email: str
    contact_id: str | None

    def __init__(self, email: str, contact_id: str | None = None) -> None:
        """``email`` is the normalised address that is taken; ``contact_id`` the id of
        the card holding it, when the answer should carry it."""
        self.email = email
        self.contact_id = contact_id
        super().__init__(f"Contact with email {email} already exists")
        if contact_id is not None:
            self.answer["contactId"] = contact_id


_Field = TypeVar("_Field", bound="InvalidField")


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
        super().__init__(TEXT_FIELD.format(field=field, rule=rule), {"field": field})

    def under(self: _Field, prefix: str) -> _Field:
        """The same refusal (same class) with ``prefix`` before the field: an item's
        error named in its list (``contact.email`` under ``"upsertDetails[3]."``)."""
        named = type(self).__new__(type(self))
        named.__dict__.update(self.__dict__)  # e.g. LimitExceeded.limit
        InvalidField.__init__(named, prefix + self.field, self.rule)
        return named


class LimitExceeded(InvalidField):
    """A list field holds more items than allowed (protocol §11 item 6)."""

    limit: int

    def __init__(self, field: str, limit: int) -> None:
        """``field`` holds more than ``limit`` items."""
        self.limit = limit
        super().__init__(field, RULE_AT_MOST_ITEMS.format(limit=limit))


class EventNotFound(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """No event of a contact in the account has this ``eventId`` or ``externalId`` (S7.2)."""

    key: str

    def __init__(self, key: str) -> None:
        """``key`` is the event id or external id as the caller gave it."""
        self.key = key
        super().__init__(TEXT_EVENT_NOT_FOUND.format(key=key))


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


# --- coupons and tasks (S8, S9.2; grade D texts) ------------------------------------

TEXT_COUPON_NOT_FOUND: Final = "Coupon not found: {coupon}"
"""Using a coupon the contact does not have
([`CouponNotFound`][salesmanago_emulator.errors.CouponNotFound])."""
TEXT_COUPON_USED: Final = "Coupon already used: {coupon}"
"""Using a coupon a second time
([`CouponAlreadyUsed`][salesmanago_emulator.errors.CouponAlreadyUsed])."""
TEXT_COUPON_EXPIRED: Final = "Coupon expired: {coupon} (valid until {valid})"
"""Using a coupon after its validity
([`CouponExpired`][salesmanago_emulator.errors.CouponExpired])."""
TEXT_COUPON_EXISTS: Final = "Coupon {coupon} already exists"
"""A manual coupon value the account holds already
([`CouponAlreadyExists`][salesmanago_emulator.errors.CouponAlreadyExists])."""
TEXT_COUPON_NO_FREE_VALUE: Final = "No free coupon value of {length} characters could be generated"
"""The generator kept drawing values the account holds (a
[`Conflict`][salesmanago_emulator.errors.Conflict])."""
TEXT_TASK_NOT_FOUND: Final = "Task not found: {task_id}"
"""An unknown task id ([`TaskNotFound`][salesmanago_emulator.errors.TaskNotFound])."""


class CouponNotFound(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """The contact has no coupon with this value (another contact's or account's counts too)."""

    coupon: str

    def __init__(self, coupon: str) -> None:
        """``coupon`` is the value as the caller gave it."""
        self.coupon = coupon
        super().__init__(TEXT_COUPON_NOT_FOUND.format(coupon=coupon), {"coupon": coupon})


class CouponAlreadyUsed(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """The coupon was used (redeemed) already; a coupon is used once (S8.2)."""

    coupon: str

    def __init__(self, coupon: str) -> None:
        """``coupon`` is the used coupon's value."""
        self.coupon = coupon
        super().__init__(TEXT_COUPON_USED.format(coupon=coupon), {"coupon": coupon})


class CouponExpired(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """The coupon's validity has passed (S8.2)."""

    coupon: str

    def __init__(self, coupon: str, valid: str) -> None:
        """``coupon`` expired at ``valid`` (an ISO-8601 instant, for the message)."""
        self.coupon = coupon
        super().__init__(TEXT_COUPON_EXPIRED.format(coupon=coupon, valid=valid), {"coupon": coupon})


class CouponAlreadyExists(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """A manual coupon value the account holds already (values are unique per account)."""

    coupon: str

    def __init__(self, coupon: str) -> None:
        """``coupon`` is the taken value."""
        self.coupon = coupon
        super().__init__(TEXT_COUPON_EXISTS.format(coupon=coupon), {"coupon": coupon})


class TaskNotFound(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """No task of this account has the id (never created, finished, or its contact removed)."""

    task_id: str

    def __init__(self, task_id: str) -> None:
        """``task_id`` is the id as the caller gave it."""
        self.task_id = task_id
        super().__init__(TEXT_TASK_NOT_FOUND.format(task_id=task_id), {"taskId": task_id})


# --- funnels, campaigns and companies (S4, S12, S13; grade D texts) ---------------

RULE_LENGTH_BETWEEN: Final = "must be {minimum} to {maximum} characters long (got {length})"
"""A funnel, group or stage name of the wrong length (protocol §3.4)."""
RULE_NOT_NEGATIVE: Final = "must not be negative"
"""A negative amount (a funnel's ``potValue``)."""
RULE_FINITE_NUMBER: Final = "must be a finite number"
"""An amount that is no finite number."""
RULE_ORDER_ALL_OR_NONE: Final = "must give an order for every stage or for none"
"""Funnel stages of which only some carry an ``order``."""
RULE_REPEATS: Final = "repeats the name {value!r}"
"""A stage name given twice in one funnel (any case)."""
RULE_STAGE_ORDER: Final = "must number the stages 1..{count} without gaps or repeats (got {orders})"
"""Stage orders that are not 1..n."""
RULE_URL: Final = "must be an http or https URL with a host"
"""A callback URL that cannot be called (grade D; control API text)."""
RULE_UNKNOWN_DATA_FIELD: Final = "is not a field of a {kind} action (fields: {fields})"
"""An action ``data`` key the kind does not know (grade D)."""
RULE_TASK_DATE: Final = "must be a date YYYY-MM-DD or +Ndays / +Nmonths (got {value!r})"
"""A task date in neither of the forms S17.3 names."""
RULE_DATA_OBJECT: Final = "must be an object"
"""Action ``data`` that is no mapping."""
TEXT_FUNNEL_EXISTS: Final = "Funnel {funnel} already exists"
"""A second funnel (campaign) with a name the account uses (S12.1, S13.1)."""
TEXT_FUNNEL_NOT_FOUND: Final = "Funnel not found: {funnel}"
"""No funnel of the account has this name
([`FunnelNotFound`][salesmanago_emulator.errors.FunnelNotFound])."""
TEXT_STAGE_NOT_FOUND: Final = "Stage not found: {stage} (funnel {funnel})"
"""The funnel has no stage of this name
([`StageNotFound`][salesmanago_emulator.errors.StageNotFound])."""
TEXT_LAST_STAGE: Final = (
    "Stage {stage} is the only stage of funnel {funnel}; delete the funnel instead"
)
"""Deleting the only stage of a funnel."""
TEXT_COMPANY_NOT_FOUND: Final = "Company not found: {company}"
"""No card of the account names this company
([`CompanyNotFound`][salesmanago_emulator.errors.CompanyNotFound])."""


class FunnelAlreadyExists(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """A funnel (or campaign) with this name exists in the account (S12.1, S13.1)."""

    funnel: str

    def __init__(self, funnel: str) -> None:
        """``funnel`` is the name as the caller gave it (trimmed)."""
        self.funnel = funnel
        super().__init__(TEXT_FUNNEL_EXISTS.format(funnel=funnel), {"funnel": funnel})


class FunnelNotFound(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """No funnel of the account has this name (compared trimmed, any case)."""

    funnel: str

    def __init__(self, funnel: str) -> None:
        """``funnel`` is the name as the caller gave it."""
        self.funnel = funnel
        super().__init__(TEXT_FUNNEL_NOT_FOUND.format(funnel=funnel), {"funnel": funnel})


class StageNotFound(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """The funnel has no stage with this name (compared trimmed, any case)."""

    funnel: str
    stage: str

    def __init__(self, funnel: str, stage: str) -> None:
        """``funnel`` (its stored name) has no stage ``stage`` (as the caller gave it)."""
        self.funnel = funnel
        self.stage = stage
        super().__init__(
            TEXT_STAGE_NOT_FOUND.format(stage=stage, funnel=funnel),
            {"funnel": funnel, "stage": stage},
        )


class CompanyNotFound(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """No card (live or awaiting the purge) names this company (S4.3)."""

    company: str

    def __init__(self, company: str) -> None:
        """``company`` is the name as the caller gave it."""
        self.company = company
        super().__init__(TEXT_COMPANY_NOT_FOUND.format(company=company), {"company": company})


# --- rules and workflows (S14; grade D texts) --------------------------------------

TEXT_RULE_NOT_FOUND: Final = "Rule not found: {rule_id}"
"""No (non-deleted) rule of the account has this id
([`RuleNotFound`][salesmanago_emulator.errors.RuleNotFound])."""
TEXT_WORKFLOW_NOT_FOUND: Final = "Workflow not found: {workflow_id}"
"""No (non-deleted) workflow of the account has this id
([`WorkflowNotFound`][salesmanago_emulator.errors.WorkflowNotFound])."""


class RuleNotFound(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """No rule of the account has this id, or the rule is deleted (S14.1)."""

    rule_id: str

    def __init__(self, rule_id: str) -> None:
        """``rule_id`` is the id as the caller gave it."""
        self.rule_id = rule_id
        super().__init__(TEXT_RULE_NOT_FOUND.format(rule_id=rule_id), {"ruleId": rule_id})


class WorkflowNotFound(EmulatorError):  # noqa: N818 (names fixed by the contract)
    """No workflow of the account has this id, or the workflow is deleted (S14.2)."""

    workflow_id: int

    def __init__(self, workflow_id: int) -> None:
        """``workflow_id`` is the id as the caller gave it."""
        self.workflow_id = workflow_id
        super().__init__(
            TEXT_WORKFLOW_NOT_FOUND.format(workflow_id=workflow_id), {"workflowId": workflow_id}
        )


# --- loyalty programs (protocol §8.6, §3.3) ------------------------------------------

LOYALTY_PROGRAM_NOT_FOUND: Final = "Specified loyalty program does not exist"
"""No loyalty program of the account has the name (protocol §3.3, grade A)."""
LOYALTY_PROGRAM_INACTIVE: Final = "Specified loyalty program is inactive"
"""The named loyalty program is switched off (protocol §3.3, grade A)."""
TEXT_LOYALTY_PROGRAM_EXISTS: Final = "Loyalty program {program} already exists"
"""Creating a loyalty program with a name the account uses (grade D; control API, Python)."""
TEXT_NOT_A_MEMBER: Final = "Contact {contact} is not a member of loyalty program {program}"
"""``modifyPoints`` naming a contact the program has not enrolled (grade D)."""
TEXT_NOT_ENOUGH_POINTS: Final = "Not enough points: {contact} has {points}"
"""``SUBTRACT`` of more points than a member has (grade D)."""
TEXT_TOO_MANY_POINTS: Final = "Too many points: {contact} would have {points}, more than {limit}"
"""``ADD`` taking a member's balance over the largest one the platform holds (grade D)."""


class LoyaltyProgramError(EmulatorError):
    """A refusal about a loyalty program, named in ``values.loyaltyProgram``."""

    program: str

    def __init__(self, program: str, message: str) -> None:
        """Refuse with ``message`` about ``program``."""
        self.program = program
        super().__init__(message, {"loyaltyProgram": program})


class LoyaltyProgramNotFound(LoyaltyProgramError):  # noqa: N818 (names fixed by the contract)
    """No loyalty program of the account has this name (compared trimmed, any case)."""

    def __init__(self, program: str) -> None:
        """``program`` is the name as the caller gave it."""
        super().__init__(program, LOYALTY_PROGRAM_NOT_FOUND)


class LoyaltyProgramInactive(LoyaltyProgramError):  # noqa: N818 (names fixed by the contract)
    """The named loyalty program exists but is inactive: nothing may change in it."""

    def __init__(self, program: str) -> None:
        """``program`` is the program's stored name."""
        super().__init__(program, LOYALTY_PROGRAM_INACTIVE)


class LoyaltyProgramExists(LoyaltyProgramError):  # noqa: N818 (names fixed by the contract)
    """A loyalty program with this name exists in the account already."""

    def __init__(self, program: str) -> None:
        """``program`` is the name as the caller gave it (trimmed)."""
        super().__init__(program, TEXT_LOYALTY_PROGRAM_EXISTS.format(program=program))


# --- API v3: product catalogs (protocol §9) ------------------------------------------
#
# A v3 refusal is a list of problems, each a §9 reason code and a message
# ``field|text`` (the field is the part before the first ``|``, grade A). The texts
# after the ``|`` are grade D, except TEXT_V3_JSON_INVALID (grade A).


class ReasonCode(IntEnum):
    """The reason codes of API v3's errors and warnings (protocol §9, grade A)."""

    AUTHENTICATION = 10
    """Authentication failed: no API key, or one no account holds (HTTP 401)."""
    OVER_LIMIT = 11
    """A field exceeds its limit (a text too long, a list with too many items, a number
    too large); refused."""
    TRIMMED = 12
    """A text was too long and was trimmed: a warning, the request succeeds."""
    MISSING = 13
    """A required field is missing (or empty)."""
    WRONG_TYPE = 14
    """A field of the wrong JSON type; also a body that is not JSON."""
    EXISTS = 15
    """A resource with this field already exists."""
    UNKNOWN_ID = 16
    """An identifier the account does not hold (HTTP 404)."""
    NULL = 17
    """A required field sent as ``null``."""
    PATTERN = 18
    """A value that does not match its pattern (currency, URL, decimals, enumeration)."""
    ABOVE_LIMIT = 19
    """Above the account's available limit (the number of catalogs)."""


TEXT_V3_JSON_INVALID: Final = "Specified json is not valid"
"""A v3 body that is not a JSON object (HTTP 400, reason code 14; grade A text)."""
TEXT_V3_METHOD: Final = "Method {method} is not allowed: {path} takes {allowed}"
"""A v3 path asked with the other method (HTTP 405)."""
V3_FIELD_API_KEY: Final = "API-KEY"
"""The "field" of an authentication failure: the header."""
RULE_V3_API_KEY: Final = "invalid API key"
"""A missing, empty or unknown ``API-KEY`` header (reason code 10, HTTP 401)."""
RULE_NOT_NULL: Final = "must not be null"
"""A required field sent as ``null`` (reason code 17)."""
RULE_AT_LEAST_ONE_ITEM: Final = "must hold at least one item"
"""An empty list where items are needed (reason code 13)."""
RULE_TRIMMED: Final = "was trimmed to {limit} characters (got {length})"
"""The warning of a text stored trimmed (reason code 12)."""
RULE_CURRENCY: Final = "must be an ISO 4217 currency code such as PLN or EUR (got {value!r})"
"""A catalog currency outside ISO 4217 (reason code 18)."""
RULE_CATALOG_NAME_TAKEN: Final = "is already the name of catalog {catalog_id}"
"""A second catalog with a name the account uses (reason code 15)."""
RULE_UNKNOWN_CATALOG: Final = "names no catalog of this account (got {value})"
"""A ``catalogId`` the account does not hold (reason code 16)."""
RULE_UNKNOWN_PRODUCT: Final = "names no product of catalog {catalog_id} (got {value})"
"""A ``productId`` the catalog does not hold (reason code 16)."""
RULE_CATALOG_LIMIT: Final = "the account holds {limit} catalogs, the most it may"
"""A new catalog beyond the account's limit (reason code 19)."""
RULE_REPEATED_PRODUCT: Final = "repeats the productId of products[{index}]"
"""One request naming a product twice (reason code 15)."""
RULE_PRICE_NEEDED: Final = "is required: give price, discountPrice or unitPrice"
"""An ``updatePrice`` item changing no price (reason code 13)."""
RULE_CUSTOM_DETAIL: Final = "is not a custom detail (use detail1 to detail{limit})"
"""A ``customDetails`` key other than ``detail1``..``detail5`` (reason code 18)."""
RULE_NO_WHITE_SPACE: Final = "must not hold white space or control characters"
"""An API key given with white space (it travels in an HTTP header)."""
RULE_SECOND_DEFAULT: Final = "cannot be true: the catalog at {other} is the default already"
"""A state import naming two default catalogs in one account."""
TEXT_V3_KEY_TAKEN: Final = "This API v3 key is already held by account {client_id!r}"
"""``apiv3/keys/create`` with a key another account holds (HTTP 409)."""


@attrs.frozen
class Problem:
    """One problem of an API v3 request: a §9 reason code, the field, and the text."""

    code: ReasonCode
    """The reason code."""
    field: str
    """The field, in the wire spelling (``products[3].name``), or ``API-KEY``."""
    rule: str
    """What is wrong (the text after ``field|``)."""

    @property
    def message(self) -> str:
        """The wire's ``message``: ``field|text``."""
        return f"{self.field}|{self.rule}"

    def under(self, prefix: str) -> Problem:
        """The same problem with ``prefix`` before the field (``products[3].``)."""
        return attrs.evolve(self, field=prefix + self.field)


class V3FieldError(InvalidField):
    """One field refused by API v3's rules, with its §9 reason code (protocol §9).

    The state's rule functions raise it; as an
    [`InvalidField`][salesmanago_emulator.errors.InvalidField] it names the field and the rule, and
    [`InvalidField.under`][salesmanago_emulator.errors.InvalidField.under] keeps the code.
    """

    code: ReasonCode

    def __init__(self, code: ReasonCode, field: str, rule: str) -> None:
        """Refuse ``field`` (wire spelling) for ``rule``, with reason ``code``."""
        self.code = code
        super().__init__(field, rule)

    @property
    def problem(self) -> Problem:
        """The refusal as one problem of a v3 answer."""
        return Problem(self.code, self.field, self.rule)


class V3Refused(EmulatorError):  # noqa: N818 (named as what the platform does)
    """An API v3 request refused for one or more problems (protocol §9); nothing changed.

    ``messages`` holds each problem's ``field|text``.
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Sequence[Problem]) -> None:
        """Refuse for ``problems`` (at least one)."""
        if not problems:
            raise ValueError("a refusal needs at least one problem")
        self.problems = tuple(problems)
        super().__init__([problem.message for problem in self.problems])

    @property
    def not_found(self) -> bool:
        """Whether every problem is an unknown identifier (reason code 16)."""
        return all(problem.code is ReasonCode.UNKNOWN_ID for problem in self.problems)


_T = TypeVar("_T")


class Problems:
    """The problems found while checking one request, refused together.

    A check that raises [`V3FieldError`][salesmanago_emulator.errors.V3FieldError] is run through
    [`check`][salesmanago_emulator.errors.Problems.check], which notes its problem and goes on;
    [`raise_any`][salesmanago_emulator.errors.Problems.raise_any] then refuses with every problem
    noted, in the order found.
    """

    __slots__ = ("found",)

    def __init__(self) -> None:
        """No problem yet."""
        self.found: list[Problem] = []

    def __bool__(self) -> bool:
        return bool(self.found)

    def note(self, code: ReasonCode, field: str, rule: str) -> None:
        """Note one problem."""
        self.found.append(Problem(code, field, rule))

    def check(self, check: Callable[..., _T], *args: object, prefix: str = "", default: _T) -> _T:
        """``check(*args)``; ``default`` when it raises V3FieldError (noted, under
        ``prefix``)."""
        try:
            return check(*args)
        except V3FieldError as error:
            self.found.append(error.problem.under(prefix))
            return default

    def raise_any(self) -> None:
        """Refuse with every problem noted ([`V3Refused`][salesmanago_emulator.errors.V3Refused]),
        if any."""
        if self.found:
            raise V3Refused(self.found)


# --- messages: e-mail and SMS sends (protocol §8.6; S11; grade D texts) ------------------

RULE_OPT_OUT_LINK: Final = "must contain the $opt-out$ link (an unsubscribe link is required)"
"""``html`` of ``email/sendEmail`` without the ``$opt-out$`` placeholder (protocol §8.6)."""
RULE_NO_EMAIL_MESSAGE: Final = "names no e-mail message of this account (got {value!r})"
"""An ``emailId`` of no message."""
RULE_NO_TEMPLATE: Final = "names no e-mail template of this account (got {value!r})"
"""A ``templateId`` of no template."""
RULE_NO_EMAIL_ACCOUNT: Final = "names no sending e-mail account of this account (got {value!r})"
"""An ``emailAccountId`` of no sending account."""
RULE_NO_CONVERSATION: Final = "names no conversation of this account (got {value!r})"
"""A ``conversationId`` of no send."""
RULE_NO_MESSAGE: Final = "names no message record of this account (got {value!r})"
"""A message record id (control API, Python) of no record."""
RULE_ADDRESSEE_KEY: Final = "must hold exactly one of {keys}"
"""An ``sms/send`` or ``email/send`` recipient naming no (or several) keys."""
RULE_BOUNCE_KIND: Final = "must be one of soft, hard, unknown (got {value!r})"
"""The kind of a simulated bounce."""
RULE_ID_TAKEN: Final = "is already the id of another {what} (got {value!r})"
"""An id given for a new object that another object holds."""
TEXT_MESSAGE_STATE: Final = "Message {message_id} is {status}: it cannot be {action}"
"""A simulation (open, click, bounce, complaint, cancel) of a record in the wrong status."""
RULE_BEFORE_SENT: Final = "must not be before the message was sent ({sent})"
"""A simulated open or click dated before its message went out."""
TEXT_MULTIPART_NO_DATA: Final = (
    "A multipart/form-data body must hold a part named 'data' with the JSON request"
)
"""``email/sendWithAttachment`` sent as a form without its JSON part."""
TEXT_MULTIPART_UNREADABLE: Final = "The multipart/form-data body cannot be read"
"""A form body that is no MIME multipart message."""


# --- the Contact Manager (S15; grade D texts) ---------------------------------------

RULE_CM_BOUND_NEEDED: Final = "or {other} is required: a range needs at least one bound"
"""A range criterion (scoring, a detail's number or date) with neither bound."""
RULE_CM_RANGE_ORDER: Final = "must not be before {other}"
"""A range criterion whose upper bound is below its lower bound."""
RULE_CM_NOT_CRITERION: Final = "must be {what}"
"""A value of the wrong kind in a selection or an action (a criterion, a number, a date)."""
RULE_CM_NO_ACTION: Final = (
    "must name at least one action: none is selected by default (seed 004 §4)"
)
"""A Contact Manager run with no action (S15.3)."""
RULE_CM_NO_OPT_IN: Final = (
    "cannot be OPT_IN: the Contact Manager only opts contacts out of e-mail marketing (seed 004 A)"
)
"""An e-mail status action asking for opt-in, which the platform does not offer (S15.3)."""
RULE_CM_UNKNOWN_KIND: Final = "must be one of {choices} (got {value!r})"
"""A criterion or action ``type`` the Contact Manager does not know."""
RULE_CM_NOT_LATER: Final = "must be later than the emulator's clock ({now})"
"""A run scheduled for an instant that is not in the future (S15.2)."""
RULE_CM_NESTED_SEGMENT: Final = "cannot name a segment inside a saved segment"
"""A saved segment whose selection names another segment."""
RULE_CM_SEGMENT_TAKEN: Final = "is already the name of a saved segment (got {value!r})"
"""Saving a second segment under a name (compared case folded)."""
TEXT_CM_SEGMENT_IN_USE: Final = (
    "Segment {name} is used by scheduled run {run_id}: cancel it or wait for it first"
)
"""Deleting a segment a scheduled run still selects with."""
RULE_CM_SCHEDULED_RUN: Final = "names no scheduled run of this account (got {value!r})"
"""Cancelling a run that is not (or no longer) scheduled."""
RULE_CM_STATE: Final = "must be one of {choices}: the Contact Manager sets no other state"
"""A state-change action to a state other than PROSPECT, CUSTOMER or PARTNER (seed 004 H)."""

# --- the HTTP door of server mode (asgi.py, _uvicorn.py; issue 15; grade D texts) --------

TEXT_HTTP_BAD_REQUEST: Final = "Bad HTTP request: {reason}"
"""A request the HTTP parser refused (a malformed request line or header)."""
TEXT_HTTP_BAD_LENGTH: Final = "Bad Content-Length header"
"""A ``Content-Length`` that is not ASCII digits (a Unicode digit too)."""
TEXT_HTTP_CHUNKED: Final = "Send the body with a Content-Length (no chunked encoding)"
"""A chunked request body (HTTP 411)."""
TEXT_HTTP_TOO_LARGE: Final = "Request body too large: {length} bytes (the limit is {limit})"
"""A body over the server's limit, refused from its ``Content-Length`` (HTTP 413)."""
TEXT_HTTP_URL_TOO_LONG: Final = "Request URL too long: {length} bytes (the limit is {limit})"
"""A request target over the limit (HTTP 414)."""
TEXT_HTTP_HEADERS_TOO_LARGE: Final = (
    "Request headers too large: {length} bytes in {count} headers "
    "(the limits are {limit} bytes and {max_count} headers)"
)
"""Headers over the limits (HTTP 431)."""
TEXT_HTTP_HEAD_TOO_LARGE: Final = "Request line and headers too large (the limit is {limit} bytes)"
"""A request head the parser stopped reading (HTTP 431)."""
TEXT_HTTP_BUSY: Final = "The emulator already serves {limit} connections: try again later"
"""A connection over the server's cap (HTTP 503)."""
TEXT_HOST_REFUSED: Final = (
    "Host {host!r} is not served here: the emulator answers requests sent to {allowed} only "
    "(DNS rebinding protection; --allow-host adds a name)"
)
"""A ``Host`` header naming neither a loopback name nor the bound host (HTTP 403)."""
TEXT_ORIGIN_REFUSED: Final = (
    "Origin {origin!r} is refused: the control API answers its own origin only"
)
"""A control request sent from another origin (a page on another site; HTTP 403)."""
TEXT_CONTROL_CONTENT_TYPE: Final = (
    "A control request with a body needs Content-Type: application/json (got {content_type})"
)
"""A control ``POST`` without a JSON content type (a cross-site form; HTTP 415)."""
TEXT_CONTROL_TOKEN: Final = (
    "The control API needs its token: send the header Authorization: Bearer <token>"
)
"""A control request without the server's control token, or with a wrong one (HTTP 401)."""
TEXT_STATE_TOO_DEEP: Final = "the JSON is nested too deeply to be an emulator state"
"""A state file nested deeper than the JSON reader goes (the ``error`` of
``TEXT_STATE_UNREADABLE``)."""
TEXT_DASHBOARD_MISSING: Final = (
    "The dashboard needs Jinja2: pip install 'salesmanago-py[server]' ({error})"
)
"""A dashboard page asked of a server without Jinja2 (HTTP 501)."""
TEXT_DASHBOARD_TOKEN: Final = (
    "The dashboard needs the control token: open {prefix}/?token=<token> once "
    "(a cookie keeps it) or send Authorization: Bearer <token>"
)
"""A dashboard page asked of a server with a control token, without it (HTTP 401)."""
RULE_SECRETS_MASKED: Final = (
    "this state was answered with its secrets masked (a server without a control token): "
    "its API secrets read *** and cannot be imported; export it from a server started "
    "with --control-token, or with Emulator.export_state() in Python"
)
"""Importing a state whose secrets a server masked (issue 15)."""
