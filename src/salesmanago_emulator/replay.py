"""Replaying a recorded call log against a fresh emulator, and where the answers differ.

The log is what ``salesmanago.CallRecorder`` writes (``SalesManago(record=...)``): JSON
Lines, one request per line with ``method``, ``path``, ``request`` (its secrets
masked), ``status``, ``response`` and ``at``. [`replay`][salesmanago_emulator.replay.replay] sends
each request to a new [`Emulator`][salesmanago_emulator.Emulator] and compares its answer with the
recorded one: the HTTP status, ``success``, the ``message`` texts and every other field.

The fresh emulator:

* has one account per ``clientId`` of a request the platform accepted (``success:
  true``), created on the fly with the secret
  [`REPLAY_SECRET`][salesmanago_emulator.replay.REPLAY_SECRET] and, as users, every ``owner``
  (and ``newOwner``) of such a request, in the order first seen; a client id or an owner
  the platform refused stays unknown. The recorded
  ``sha`` is masked, so each request is **re-signed** for that account:
  ``sha = SHA1(apiKey + clientId + REPLAY_SECRET)`` with the recorded ``apiKey`` (and
  the same for an inner request carrying its own ``sha``, ``integration/upsert``);
* runs on a frozen clock set to each line's ``at`` (never moving back), so the nightly
  purge (S3.1) and every time the platform stamped happen when they happened.

Lines not replayed (reported as skipped, never as a difference): a ``GET`` (an export
file fetched from a URL the platform made), API v3 (``/v3/``: its key travels in a
header the log does not keep), the login chain (``authorization/token``,
``account/integration``, ``system/authorise``: the password and token are masked), and a
line whose request body was no JSON object.

What is inherently different between two runs is normalised, and
[`NORMALISATIONS`][salesmanago_emulator.replay.NORMALISATIONS] lists it (the docs' "Verifying the
emulator against your account" shows the list):

* **ids the platform generates** -- any UUID-shaped string (values and object keys:
  contact, event, note, task ids, ``addedContacts``), ``requestId`` and a generated
  ``coupon`` value -- are paired: the first time a recorded id meets a replayed one
  the two are taken as the same, later requests sending the recorded id are sent
  with the replayed one, and a later answer pairing it with another id differs;
* **times the platform stamps** ([`TIME_KEYS`][salesmanago_emulator.replay.TIME_KEYS]:
  ``createdOn``, ``modifiedOn`` ...) are compared only as "both a time" or "both null";
* ``requestId`` present on one side only is no difference (an answer's envelope may
  carry one, protocol §3.1);
* ``fileUrl`` (an export file's URL on its own host) is compared as "both present";
* ``job/status``: its progress texts and whether its ``fileUrl`` is there yet (how long
  the platform's job ran) are not compared;
* ids inside ``message`` texts are compared after pairing.

``--ignore FIELD`` ([`replay`][salesmanago_emulator.replay.replay]'s ``ignore``) drops a key
anywhere in the answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import httpx

from ._emulator import Emulator
from ._jsoncodec import decode_json, encode_json
from ._router import route_path as _route
from .clock import FrozenClock, SystemClock, parse_iso
from .routes._v3 import V3_PREFIX

__all__ = [
    "NORMALISATIONS",
    "REPLAY_SECRET",
    "TIME_KEYS",
    "CallLogError",
    "Difference",
    "LineResult",
    "RecordedCall",
    "ReplayReport",
    "read_calls",
    "replay",
    "skip_reason",
]

REPLAY_SECRET: Final = "replay-secret-of-the-emulator"
"""The API secret of every account the replay creates; requests are re-signed with it."""
TIME_KEYS: Final = frozenset(
    {"createdOn", "modifiedOn", "lastVisit", "validTo", "usedOn", "date", "agreementDate"}
)
"""Answer keys holding a time the platform stamps: compared as "both a time" only."""
ID_KEYS: Final = frozenset({"requestId", "coupon"})
"""Answer keys whose values are paired like UUIDs although they need not look like one."""
JOB_STATUS_PATH: Final = "/api/job/status"
LOGIN_PATHS: Final = frozenset(
    {"/api/authorization/token", "/api/account/integration", "/api/system/authorise"}
)
NORMALISATIONS: Final = (
    "ids the platform generates (UUID-shaped strings, also as object keys; requestId; a "
    "generated coupon) are paired, not compared: a recorded id sent again is replaced by "
    "its replayed pair",
    "times the platform stamps (" + ", ".join(sorted(TIME_KEYS)) + ") are compared as "
    "'both a time' or 'both null'",
    "requestId present in one answer only is no difference",
    "fileUrl is compared as 'both present'",
    "job/status: its progress texts and whether the file is ready yet are not compared "
    "(the job's timing is the platform's)",
    "ids inside message texts are compared after pairing",
)
"""Every normalisation the comparison applies, in words (printed by ``--json``)."""

_UUID: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_REQUIRED: Final = (("method", str), ("path", str), ("status", int))
_SIGNED_OWNER_KEYS: Final = ("owner", "newOwner")


class CallLogError(ValueError):
    """A call log that cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class RecordedCall:
    """One line of a call log."""

    line: int
    method: str
    path: str
    request: Any
    status: int
    response: Any
    at: datetime | None


@dataclass(frozen=True)
class Difference:
    """One place where the replayed answer differs from the recorded one.

    ``what`` is ``status``, ``success``, ``message`` or ``field``; ``where`` the
    field's path in the answer (``contacts[0].name``), empty for the others.
    """

    what: str
    where: str
    recorded: Any
    replayed: Any

    def __str__(self) -> str:
        place = f"{self.what} {self.where}" if self.where else self.what
        return f"{place}: recorded {_show(self.recorded)}, replayed {_show(self.replayed)}"


@dataclass(frozen=True)
class LineResult:
    """The outcome of one line: skipped (and why), or its differences (none: a match)."""

    line: int
    method: str
    path: str
    skipped: str | None = None
    differences: tuple[Difference, ...] = ()


@dataclass(frozen=True)
class ReplayReport:
    """Every line's outcome, in the log's order."""

    results: tuple[LineResult, ...]

    @property
    def differing(self) -> list[LineResult]:
        """The lines whose answers differ."""
        return [r for r in self.results if r.differences]

    @property
    def ok(self) -> bool:
        """True when no replayed line differs (skipped lines do not count)."""
        return not self.differing

    def text(self) -> str:
        """The report as ``replay`` prints it: one block per differing line, a summary."""
        out: list[str] = []
        for result in self.results:
            head = f"line {result.line} {result.method} {result.path}"
            if result.skipped:
                out.append(f"{head}: skipped ({result.skipped})")
            for difference in result.differences:
                out.append(f"{head}: {difference}")
        skipped = sum(1 for r in self.results if r.skipped)
        differing = len(self.differing)
        matching = len(self.results) - skipped - differing
        out.append(
            f"{len(self.results)} calls: {matching} match, {differing} differ, {skipped} skipped"
        )
        return "\n".join(out) + "\n"

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (``--json``)."""
        return {
            "ok": self.ok,
            "normalisations": list(NORMALISATIONS),
            "lines": [
                {
                    "line": r.line,
                    "method": r.method,
                    "path": r.path,
                    "skipped": r.skipped,
                    "differences": [_difference_json(d) for d in r.differences],
                }
                for r in self.results
            ],
        }


def _difference_json(difference: Difference) -> dict[str, Any]:
    """A difference as JSON: ``recorded`` / ``replayed`` left out where the key was absent."""
    out: dict[str, Any] = {"what": difference.what, "where": difference.where}
    for name in ("recorded", "replayed"):
        value = getattr(difference, name)
        if value is not _ABSENT:
            out[name] = value
    return out


def _show(value: Any) -> str:
    return "(absent)" if value is _ABSENT else encode_json(value, default=str)


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


_ABSENT: Final = _Absent()


# reading -------------------------------------------------------------------------------


def read_calls(path: Path) -> list[RecordedCall]:
    """The calls of a log file; [`CallLogError`][salesmanago_emulator.replay.CallLogError] names the
    line that cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CallLogError(f"{path}: cannot read: {error.strerror or error}") from None
    return list(_parse_lines(path, raw.splitlines()))


def _parse_lines(path: Path, lines: Sequence[bytes]) -> Iterator[RecordedCall]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            entry = decode_json(text)
        except (ValueError, RecursionError) as error:
            raise CallLogError(f"{path} line {number}: not JSON ({error})") from None
        if not isinstance(entry, dict):
            raise CallLogError(f"{path} line {number}: not a JSON object")
        yield _recorded(path, number, entry)


def _recorded(path: Path, number: int, entry: Mapping[str, Any]) -> RecordedCall:
    for key, kind in _REQUIRED:
        value = entry.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise CallLogError(
                f"{path} line {number}: '{key}' must be {'a number' if kind is int else 'text'}"
            )
    at = entry.get("at")
    when: datetime | None = None
    if at is not None:
        try:
            when = parse_iso(at) if isinstance(at, str) else None
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            raise CallLogError(f"{path} line {number}: 'at' must be an ISO-8601 time with a zone")
    return RecordedCall(
        number,
        entry["method"],
        entry["path"],
        entry.get("request"),
        entry["status"],
        entry.get("response"),
        when,
    )


# replaying -----------------------------------------------------------------------------


def skip_reason(call: RecordedCall) -> str | None:
    """Why a line is not replayed, or ``None``."""
    path = _route(call.path)
    if call.method != "POST":
        return f"{call.method}: a file fetched from the platform's URL"
    if path.startswith(V3_PREFIX):
        return "API v3: its API-KEY header is not recorded"
    if path in LOGIN_PATHS:
        return "the login chain: its password and token are masked"
    if not isinstance(call.request, dict):
        return "its request body is no JSON object"
    return None


def _accounts(calls: Iterable[RecordedCall]) -> dict[str, list[str]]:
    """Each clientId of a request the platform accepted, and the users those requests
    name (first seen first): a client id or an owner the platform refused stays
    unknown, so its refusal replays."""
    accounts: dict[str, list[str]] = {}
    for call in calls:
        if skip_reason(call) is not None:
            continue
        accepted = isinstance(call.response, dict) and call.response.get("success") is True
        for body in _signed_bodies(call.request) if accepted else ():
            users = accounts.setdefault(body["clientId"], [])
            for key in _SIGNED_OWNER_KEYS:
                owner = body.get(key)
                if isinstance(owner, str) and owner.strip() and owner not in users:
                    users.append(owner)
    return accounts


def _signed_bodies(body: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The body and any object one level down that carries its own clientId."""
    for candidate in (body, *body.values()):
        if isinstance(candidate, dict) and isinstance(candidate.get("clientId"), str):
            yield candidate


def _resign(body: dict[str, Any], emulator: Emulator[FrozenClock]) -> None:
    """Sign ``body`` (and an inner signed request) for the replay's account: the
    recorded ``sha`` is masked (protocol §2.2: SHA1(apiKey + clientId + secret))."""
    for signed in _signed_bodies(body):
        api_key = signed.get("apiKey")
        if "sha" in signed and isinstance(api_key, str):
            try:
                account = emulator.account(signed["clientId"])
            except KeyError:
                continue
            signed["sha"] = account.signature(api_key)


def replay(
    calls: Sequence[RecordedCall],
    *,
    ignore: Iterable[str] = (),
    timezone: str = "Europe/Warsaw",
) -> ReplayReport:
    """Replay ``calls`` against a fresh emulator; the report of where answers differ.

    ``ignore``: answer keys left out of the comparison wherever they occur;
    ``timezone``: the time zone of the accounts created (the purge's 02:00, S3.1).
    """
    start = next((c.at for c in calls if c.at is not None), None)
    clock = FrozenClock(start if start is not None else SystemClock().now())
    emulator = Emulator(clock=clock)
    for client_id, users in _accounts(calls).items():
        emulator.add_account(
            client_id=client_id,
            api_secret=REPLAY_SECRET,
            users=users or ["replay-owner@example.com"],
            timezone=timezone,
        )
    pairs = _Pairs(frozenset(ignore))
    results: list[LineResult] = []
    with httpx.Client(transport=emulator.transport(), base_url="http://replay.invalid") as http:
        for call in calls:
            reason = skip_reason(call)
            if reason is not None:
                results.append(LineResult(call.line, call.method, call.path, skipped=reason))
                continue
            if call.at is not None and call.at > clock.now():
                clock.set(call.at)
            body = pairs.substitute(call.request)
            _resign(body, emulator)
            answer = http.post(_route(call.path), content=encode_json(body).encode())
            replayed = _decoded(answer.content)
            differences = pairs.compare(call, answer.status_code, replayed)
            results.append(
                LineResult(call.line, call.method, call.path, differences=tuple(differences))
            )
    return ReplayReport(tuple(results))


def _decoded(content: bytes) -> Any:
    try:
        return decode_json(content)
    except (ValueError, RecursionError):
        return None


# comparing -----------------------------------------------------------------------------


@dataclass
class _Pairs:
    """The ids paired so far (recorded -> replayed) and the keys ignored."""

    ignored: frozenset[str]
    ids: dict[str, Any] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)  # replayed ids already paired

    def _link(self, recorded: Any, replayed: Any) -> None:
        """Pair two ids unless either is paired already (a pairing is one to one)."""
        key, value = str(recorded), str(replayed)
        if key not in self.ids and value not in self.taken:
            self.ids[key] = replayed
            self.taken.add(value)

    def substitute(self, value: Any, key: str = "") -> Any:
        """A copy of a request with every recorded id replaced by its replayed pair."""
        if isinstance(value, dict):
            return {k: self.substitute(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.substitute(v, key) for v in value]
        if isinstance(value, str) and value in self.ids:
            return self.ids[value]
        if key == "requestId" and not isinstance(value, bool) and str(value) in self.ids:
            return self.ids[str(value)]
        return value

    def compare(self, call: RecordedCall, status: int, replayed: Any) -> list[Difference]:
        """The differences between the recorded answer and the replayed one."""
        out: list[Difference] = []
        if call.status != status:
            out.append(Difference("status", "", call.status, status))
        recorded = call.response
        if not (isinstance(recorded, dict) and isinstance(replayed, dict)):
            if recorded != replayed:
                out.append(Difference("field", "(body)", recorded, replayed))
            return out
        if recorded.get("success") != replayed.get("success"):
            out.append(Difference("success", "", recorded.get("success"), replayed.get("success")))
        self._pair_all(recorded, replayed)  # ids in the fields name those in the messages
        skip = {"success", "message"}
        if _route(call.path) == JOB_STATUS_PATH:
            skip.add("fileUrl")  # ready or not yet: the platform's timing
        else:
            mine = [self._message(m) for m in recorded.get("message") or []]
            theirs = list(replayed.get("message") or [])
            if mine != theirs:
                out.append(Difference("message", "", mine, theirs))
        fields_recorded = {k: v for k, v in recorded.items() if k not in skip}
        fields_replayed = {k: v for k, v in replayed.items() if k not in skip}
        out.extend(self._diff(fields_recorded, fields_replayed, ""))
        return out

    def _message(self, text: Any) -> Any:
        if not isinstance(text, str):
            return text
        return _UUID.sub(lambda m: str(self.ids.get(m.group(0), m.group(0))), text)

    def _pair(self, recorded: Any, replayed: Any) -> bool:
        """Pair two ids; False when ``recorded`` is already paired with another."""
        key = str(recorded)
        if key in self.ids:
            return bool(self.ids[key] == replayed)
        if str(replayed) in self.taken:
            return False  # the replayed id is another recorded id's pair
        self._link(recorded, replayed)
        return True

    def _pair_all(self, recorded: Any, replayed: Any, key: str = "") -> None:
        """Pair the ids found at the same places of both answers (first pairing wins)."""
        if isinstance(recorded, dict) and isinstance(replayed, dict):
            for k in recorded:
                if _is_id(k):
                    other = _matching_key(k, recorded, replayed)
                    if other is not None:
                        self._link(k, other)
                if k in replayed:
                    self._pair_all(recorded[k], replayed[k], k)
        elif isinstance(recorded, list) and isinstance(replayed, list):
            for a, b in zip(recorded, replayed, strict=False):
                self._pair_all(a, b, key)
        elif _is_id_value(recorded, key) and replayed is not None:
            self._link(recorded, replayed)

    def _diff(self, recorded: Any, replayed: Any, where: str) -> Iterator[Difference]:
        key = where.rsplit(".", 1)[-1].split("[", 1)[0]
        if isinstance(recorded, dict) and isinstance(replayed, dict):
            yield from self._diff_objects(recorded, replayed, where)
        elif isinstance(recorded, list) and isinstance(replayed, list):
            if len(recorded) != len(replayed):
                yield Difference("field", where + " (length)", len(recorded), len(replayed))
            for index, (a, b) in enumerate(zip(recorded, replayed, strict=False)):
                yield from self._diff(a, b, f"{where}[{index}]")
        elif key in TIME_KEYS:
            if (recorded is None) != (replayed is None):
                yield Difference("field", where, recorded, replayed)
        elif key == "fileUrl":
            return
        elif _is_id_value(recorded, key) and replayed is not None:
            if not self._pair(recorded, replayed):
                yield Difference("field", where, recorded, replayed)
        elif recorded != replayed or type(recorded) is not type(replayed):
            yield Difference("field", where, recorded, replayed)

    def _diff_objects(
        self, recorded: Mapping[str, Any], replayed: Mapping[str, Any], where: str
    ) -> Iterator[Difference]:
        prefix = f"{where}." if where else ""
        seen_replayed: set[str] = set()
        for key, value in recorded.items():
            if key in self.ignored:
                continue
            target = self.ids.get(key, key) if _is_id(key) else key
            if target not in replayed:
                if key != "requestId":
                    yield Difference("field", prefix + key, value, _ABSENT)
                continue
            seen_replayed.add(target)
            yield from self._diff(value, replayed[target], prefix + key)
        for key, value in replayed.items():
            if key not in seen_replayed and key not in self.ignored and key != "requestId":
                yield Difference("field", prefix + key, _ABSENT, value)


def _is_id(text: Any) -> bool:
    return isinstance(text, str) and _UUID.fullmatch(text) is not None


def _is_id_value(value: Any, key: str) -> bool:
    if _is_id(value):
        return True
    return key in ID_KEYS and isinstance(value, (str, int)) and not isinstance(value, bool)


def _matching_key(key: str, recorded: Mapping[str, Any], replayed: Mapping[str, Any]) -> Any:
    """The id key of ``replayed`` at the same position as ``key`` in ``recorded``."""
    mine = [k for k in recorded if _is_id(k)]
    theirs = [k for k in replayed if _is_id(k)]
    index = mine.index(key)
    return theirs[index] if index < len(theirs) else None
