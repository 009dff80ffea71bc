"""Helpers of the security tests: the seeded account, its identifiers, the attack bodies.

:func:`seed_account` fills an account through its own raw-JSON client (and the
Python API for what has no route: consents, export processing time, a loyalty
program) with contacts, tags, details, consents, events, coupons, notes, tasks,
funnels, export jobs and the program's members and points, and returns every
identifier it made (:class:`Identifiers`).

:data:`SAMPLES` maps every path to the valid request shapes it takes, built
from a set of identifiers: the isolation attack fills them with A's
identifiers and sends them as B; the router fuzz mutates them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import timedelta
from typing import Any, Final

import attrs
from routes_helpers import B_ID, B_OWNER, NOW_MS, Api, new_emulator

from salesmanago_emulator import Emulator, FrozenClock

__all__ = [
    "AUTH_KEYS",
    "SAMPLES",
    "Identifiers",
    "Sample",
    "check_envelope",
    "new_emulator",
    "seed_account",
    "state_text",
    "strings_in",
]

AUTH_KEYS: Final = ("clientId", "apiKey", "sha", "requestTime", "owner")
"""The authentication fields ``Api.body`` adds."""

Sample = list[dict[str, Any]]
"""A sequence of request bodies (without auth fields) sent one after the other."""


def state_text(emulator: Emulator[FrozenClock], client_id: str | None = None) -> str:
    """The exported state (of one account, or all) as canonical JSON text."""
    state = emulator.export_state()
    if client_id is not None:
        state = next(a for a in state["accounts"] if a["clientId"] == client_id)
    return json.dumps(state, sort_keys=True, default=repr)


def strings_in(value: object) -> Iterator[str]:
    """Every string (keys included) and integer, as text, anywhere in a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        yield str(value)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from strings_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings_in(item)


def check_envelope(status: int, text: str) -> dict[str, Any] | None:
    """Assert a well-formed answer: no 5xx, no traceback, a JSON envelope; return it."""
    assert status < 500, f"HTTP {status}: {text[:500]}"
    assert "Traceback" not in text, text[:500]
    assert 'File "' not in text, text[:500]
    envelope = json.loads(text)
    assert isinstance(envelope, dict), text[:500]
    assert isinstance(envelope.get("success"), bool), text[:500]
    assert isinstance(envelope.get("message"), list), text[:500]
    assert all(isinstance(m, str) for m in envelope["message"]), text[:500]
    if status != 200:
        assert 400 <= status < 500, status
        assert envelope["success"] is False, text[:500]
    return envelope


@attrs.frozen(kw_only=True)
class Identifiers:
    """Every identifier an account holds, by kind (all lower case where the platform folds)."""

    emails: tuple[str, ...]
    contact_ids: tuple[str, ...]
    contact_external_ids: tuple[str, ...]
    tags: tuple[str, ...]
    detail_names: tuple[str, ...]
    detail_values: tuple[str, ...]
    consents: tuple[str, ...]
    companies: tuple[str, ...]
    event_ids: tuple[str, ...]
    event_external_ids: tuple[str, ...]
    coupons: tuple[str, ...]
    coupon_names: tuple[str, ...]
    funnels: tuple[str, ...]
    stages: tuple[str, ...]
    note_ids: tuple[str, ...]
    note_texts: tuple[str, ...]
    task_ids: tuple[str, ...]
    request_ids: tuple[str, ...]
    job_tokens: tuple[str, ...]
    rule_ids: tuple[str, ...]
    workflow_names: tuple[str, ...]
    loyalty_programs: tuple[str, ...]
    loyalty_comments: tuple[str, ...]
    users: tuple[str, ...]
    client_id: str

    def secrets(self) -> set[str]:
        """The identifiers that must never reach another account.

        Export request ids are left out: they are per-account counters
        (``"1"``, ``"2"``...), so another account's own jobs have the same ones.
        """
        out: set[str] = {self.client_id}
        for kind in attrs.fields(Identifiers):
            value = getattr(self, kind.name)
            if kind.name != "request_ids" and isinstance(value, tuple):
                out.update(value)
        return {s for s in out if len(s) >= 6}


def _first_list(envelope: Mapping[str, Any], key: str) -> list[Any]:
    value = envelope[key]
    assert isinstance(value, list)
    return value


def seed_account(api: Api, emulator: Emulator[FrozenClock], *, tag: str = "q7") -> Identifiers:
    """Fill ``api``'s account with rich data; every identifier made, by kind.

    ``tag`` makes the values distinctive (several seeded accounts never share one).
    """
    account = emulator.account(api.client_id)
    account.exports.processing_time = timedelta(0)
    consents = (f"A-CONSENT-NEWSLETTER-{tag}", f"A-CONSENT-PROFILING-{tag}")
    for name in consents:
        account.optin.add_consent(name)
    owners = account.users
    emails = tuple(f"person{i}.{tag}@acorp-{tag}.example.com" for i in range(4))
    tags = (f"A_TAG_VIP_{tag}".upper(), f"A_TAG_LEAD_{tag}".upper())
    details = {f"a_detail_shoe_{tag}": f"A-DETAIL-VALUE-43-{tag}"}
    company = f"A-COMPANY-ACME-{tag}"
    contact_ids: list[str] = []
    externals: list[str] = []
    for index, email in enumerate(emails):
        external = f"A-CONTACT-EXT-{index}-{tag}"
        externals.append(external)
        contact_ids.append(
            api.upsert(
                email,
                contact={
                    "name": f"A Person {index} {tag}",
                    "phone": f"+4860000{index:04d}",
                    "company": company,
                    "externalId": external,
                    "address": {"city": f"A-CITY-{tag}", "streetAddress": f"A-STREET-{tag}"},
                },
                owner=owners[index % len(owners)],
                tags=list(tags[: 1 + index % 2]),
                properties=details,
                forceOptIn=True,
                consentDetails=[
                    {"consentName": consents[0], "consentAccept": True, "ip": "10.0.0.1"}
                ],
            )
        )
    api.ok("contact/stopMonitoring", contacts=[{"addresseeType": "EMAIL", "value": emails[1]}])
    api.ok("contact/optout", email=emails[2])
    account.optin.add_consent_form(f"A-CONSENT-FORM-{tag}")
    api.ok("email/sendConfirmation", email=emails[2], lang="PL", tag=tags[0])
    api.ok("contact/phoneoptin", email=emails[0])
    api.ok("contact/setMainOwner", contact=emails[3], newOwner=owners[0])
    # A soft-deleted contact (restorable, still an identifier of A).
    deleted = f"deleted.{tag}@acorp-{tag}.example.com"
    contact_ids.append(api.upsert(deleted, tags=[tags[0]]))
    api.ok("contact/delete", email=deleted)
    all_emails = (*emails, deleted)

    event_externals = (f"A-EVENT-EXT-ORDER-1-{tag}", f"A-EVENT-EXT-ORDER-2-{tag}")
    event_ids: list[str] = []
    for index, external in enumerate(event_externals):
        event = {
            "contactExtEventType": "PURCHASE",
            "date": NOW_MS - 1000 * index,
            "description": f"A-EVENT-DESC-{tag}",
            "products": f"A-PRODUCT-{tag}",
            "value": "199.99",
            "externalId": external,
            "detail1": f"A-EVENT-DETAIL-{tag}",
        }
        event_ids.append(
            str(
                api.ok("contact/addContactExtEvent", email=emails[index], contactEvent=event)[
                    "eventId"
                ]
            )
        )
    batch = api.ok(
        "v2/contact/addBatchContactExtEvent",
        events=[
            {
                "contactId": contact_ids[2],
                "contactEvent": {"contactExtEventType": "CART", "date": NOW_MS},
            }
        ],
    )
    assert batch["createdAmount"] == 1

    coupon_names = (f"A-COUPON-NAME-{tag}",)
    coupons = [
        str(
            api.ok(
                "contact/addContactCoupon",
                email=emails[0],
                name=coupon_names[0],
                coupon=f"ACPN{tag}MANUAL",
            )["coupon"]
        ),
        str(
            api.ok(
                "contact/addContactCoupon",
                contactId=contact_ids[1],
                name=coupon_names[0],
                length=16,
            )["coupon"]
        ),
    ]
    api.ok("contact/useContactCoupon", email=emails[0], coupon=coupons[0])

    note_texts = (f"A-NOTE-PUBLIC-{tag}", f"A-NOTE-PRIVATE-{tag}")
    api.ok("contact/addNote", email=emails[0], note=note_texts[0])
    api.ok("contact/addNote", contactId=contact_ids[1], note=note_texts[1], priv=True)
    task_ids = [
        str(
            api.ok(
                "contact/updateTask",
                smContactTaskReq={
                    "contactEmail": emails[i],
                    "note": f"A-TASK-{i}-{tag}",
                    "date": NOW_MS + 86_400_000,
                },
            )["taskId"]
        )
        for i in range(2)
    ]

    funnel, stages = f"A-FUNNEL-SALES-{tag}", (f"A-STAGE-LEAD-{tag}", f"A-STAGE-WON-{tag}")
    api.ok(
        "funnel/add",
        funnel=funnel,
        stages=[{"name": s, "order": i + 1} for i, s in enumerate(stages)],
    )
    api.ok(
        "funnel/addContact",
        funnel=funnel,
        stage=stages[0],
        contacts=[
            {"addresseeType": "EMAIL", "value": emails[0]},
            {"addresseeType": "TAG", "value": tags[1]},
        ],
    )

    request_ids = [
        str(api.ok("contact/paginatedContactList/export", page=0, size=100)["requestId"]),
        str(
            api.ok(
                "contact/export/data",
                contacts=[{"addresseeType": "email", "value": emails[0]}],
                data=[{"dataType": "CONTACT"}, {"dataType": "EXT_EVENT"}],
            )["requestId"]
        ),
    ]
    for request_id in request_ids:
        assert "fileUrl" in api.ok("job/status", requestId=request_id)

    rule_ids = (
        str(
            api.ok("rule/insert", name=f"A rule {tag}", events=[], conditions=[], actions=[])[
                "ruleId"
            ]
        ),
    )
    workflow_names = (f"A-WORKFLOW-{tag}",)
    for name in workflow_names:
        account.rules.add_workflow(name)

    loyalty_programs = (f"A-LOYALTY-CLUB-{tag}",)
    loyalty_comments = (f"A-LOYALTY-COMMENT-{tag}",)
    account.loyalty.create_program(loyalty_programs[0])  # the platform's UI: no route
    api.ok(
        "loyalty/program/v1/addContact",
        loyaltyProgram=loyalty_programs[0],
        contacts=[
            {"addresseeType": "email", "value": emails[0]},
            {"addresseeType": "tag", "value": tags[1]},
        ],
    )
    api.ok(
        "loyalty/program/v1/modifyPoints",
        loyaltyProgram=loyalty_programs[0],
        contacts=[{"addresseeType": "contact_id", "value": contact_ids[0]}],
        points=40,
        modificationType="ADD",
        comment=loyalty_comments[0],
    )

    tokens = tuple(job.token for job in account.exports.jobs)
    card = api.ok("contact/listAllById", contactId=contact_ids[:2])["contacts"]
    note_ids = tuple(str(n["id"]) for c in card for n in c.get("contactNotes", []))
    assert len(note_ids) == 2, card
    return Identifiers(
        emails=all_emails,
        contact_ids=tuple(contact_ids),
        contact_external_ids=tuple(externals),
        tags=tags,
        detail_names=tuple(details),
        detail_values=tuple(details.values()),
        consents=consents,
        companies=(company,),
        event_ids=tuple(event_ids),
        event_external_ids=event_externals,
        coupons=tuple(coupons),
        coupon_names=coupon_names,
        funnels=(funnel,),
        stages=stages,
        note_ids=note_ids,
        note_texts=note_texts,
        task_ids=tuple(task_ids),
        request_ids=tuple(request_ids),
        job_tokens=tokens,
        rule_ids=rule_ids,
        workflow_names=workflow_names,
        loyalty_programs=loyalty_programs,
        loyalty_comments=loyalty_comments,
        users=tuple(u for u in owners),
        client_id=api.client_id,
    )


# --- sample bodies per path ----------------------------------------------------------

Builder = Callable[[Identifiers], list[Sample]]
"""Valid request sequences for one path, built from a set of identifiers."""

_WINDOW: Final = {"from": 0, "to": NOW_MS + 10 * 86_400_000}
_EVENT: Final = {"contactExtEventType": "PURCHASE", "date": NOW_MS, "value": 10}


def _one(bodies: Iterable[dict[str, Any]]) -> list[Sample]:
    return [[body] for body in bodies]


def _keyed(ids: Identifiers, **extra: Any) -> list[dict[str, Any]]:
    """One body per e-mail (``email``) and per contact id (``contactId``)."""
    return [{"email": e, **extra} for e in ids.emails] + [
        {"contactId": c, **extra} for c in ids.contact_ids
    ]


def _addressees(
    ids: Identifiers, email: str = "EMAIL", cid: str = "CONTACT_ID"
) -> list[dict[str, Any]]:
    return [{"addresseeType": email, "value": e} for e in ids.emails] + [
        {"addresseeType": cid, "value": c} for c in ids.contact_ids
    ]


def _funnel_setup(ids: Identifiers) -> dict[str, Any]:
    """B's own funnel spelled like A's (a name is per account)."""
    return {
        "_path": "/api/funnel/add",
        "funnel": ids.funnels[0],
        "stages": [{"name": s, "order": i + 1} for i, s in enumerate(ids.stages)],
    }


def _contact_writes(ids: Identifiers) -> list[Sample]:
    bodies: list[dict[str, Any]] = [{"contact": {"email": e}} for e in ids.emails]
    bodies += [
        {
            "contact": {"email": ids.emails[0], "externalId": ids.contact_external_ids[0]},
            "tags": list(ids.tags),
            "removeTags": list(ids.tags),
            "properties": {ids.detail_names[0]: "x"},
            "consentDetails": [{"consentName": ids.consents[0], "consentAccept": True}],
        },
        {"contact": {"email": "own@b.example.com"}, "newEmail": ids.emails[1]},
        {"contact": {"email": "own@b.example.com"}, "loyaltyProgram": ids.loyalty_programs[0]},
    ]
    return _one(bodies)


def _update(ids: Identifiers) -> list[Sample]:
    return _one(_keyed(ids, contact={"name": "B was here"}, tags=[ids.tags[0]]))


def _events_add(ids: Identifiers) -> list[Sample]:
    bodies = [
        {"email": e, "contactEvent": {**_EVENT, "externalId": x}}
        for e in ids.emails
        for x in ids.event_external_ids[:1]
    ]
    bodies += [{"contactId": c, "contactEvent": dict(_EVENT)} for c in ids.contact_ids]
    return _one(bodies)


def _integration(ids: Identifiers) -> list[Sample]:
    """Both parts as B, naming A's contacts; a part claiming A's client id or owner."""

    def part(**fields: Any) -> dict[str, Any]:
        return {"clientId": B_ID, "owner": B_OWNER, **fields}

    bodies = [
        {
            "contactUpsertRequest": part(contact={"email": e}),
            "addContactExtEventRequest": part(email=e, contactEvent=dict(_EVENT)),
        }
        for e in ids.emails[:3]
    ]
    bodies += [
        {"addContactExtEventRequest": part(contactId=c, contactEvent=dict(_EVENT))}
        for c in ids.contact_ids[:3]
    ]
    bodies += [
        {"contactUpsertRequest": {**part(contact={"email": e}), "clientId": ids.client_id}}
        for e in ids.emails[:1]
    ]
    bodies += [{"contactUpsertRequest": part(owner=u, contact={"email": u})} for u in ids.users]
    return _one(bodies)


def _events_batch(ids: Identifiers) -> list[Sample]:
    return _one(
        [
            {"events": [{"email": e, "contactEvent": {**_EVENT, "externalId": x}}]}
            for e in ids.emails[:2]
            for x in ids.event_external_ids
        ]
        + [{"events": [{"contactId": c, "contactEvent": dict(_EVENT)} for c in ids.contact_ids]}]
    )


def _events_update(ids: Identifiers) -> list[Sample]:
    return _one(
        [{"contactEvent": {"eventId": i, "description": "B"}} for i in ids.event_ids]
        + [
            {"contactEvent": {"eventId": i, "externalId": x}}
            for i in ids.event_ids
            for x in ids.event_external_ids
        ]
    )


def _events_delete(ids: Identifiers) -> list[Sample]:
    return _one(
        [{"eventId": i} for i in ids.event_ids]
        + [{"externalId": x} for x in ids.event_external_ids]
        + [{"externalId": x, "email": ids.emails[0]} for x in ids.event_external_ids]
        + [{"eventId": i, "contactId": c} for i in ids.event_ids for c in ids.contact_ids[:2]]
    )


def _task(ids: Identifiers) -> list[Sample]:
    return _one(
        [{"smContactTaskReq": {"id": t, "note": "B"}} for t in ids.task_ids]
        + [{"smContactTaskReq": {"id": t}, "finished": True} for t in ids.task_ids]
        + [
            {"smContactTaskReq": {"contactEmail": e, "note": "B", "date": NOW_MS}}
            for e in ids.emails
        ]
    )


def _coupon_use(ids: Identifiers) -> list[Sample]:
    plain = [{"email": e, "coupon": c} for e in ids.emails[:2] for c in ids.coupons]
    plain += [{"contactId": c, "coupon": v} for c in ids.contact_ids[:2] for v in ids.coupons]
    # B's own contact with A's e-mail, then A's coupon on it.
    staged: list[Sample] = [
        [{"_path": "/api/contact/upsert", "contact": {"email": e}}, {"email": e, "coupon": c}]
        for e in ids.emails[:2]
        for c in ids.coupons
    ]
    return _one(plain) + staged


def _funnel_contacts(ids: Identifiers) -> list[Sample]:
    targets = _addressees(ids) + [{"addresseeType": "TAG", "value": t} for t in ids.tags]
    plain = [{"funnel": ids.funnels[0], "stage": ids.stages[0], "contacts": [t]} for t in targets]
    staged = [[_funnel_setup(ids), body] for body in plain]
    return _one(plain) + staged


def _funnel_count(ids: Identifiers) -> list[Sample]:
    plain = [{"funnel": f} for f in ids.funnels] + [
        {"funnel": ids.funnels[0], "stage": s} for s in ids.stages
    ]
    return _one(plain) + [[_funnel_setup(ids), body] for body in plain]


def _funnel_delete(ids: Identifiers) -> list[Sample]:
    return _one(
        [{"funnel": f} for f in ids.funnels]
        + [{"funnel": ids.funnels[0], "stage": s} for s in ids.stages]
    )


def _job_status(ids: Identifiers) -> list[Sample]:
    plain = [{"requestId": r} for r in ids.request_ids] + [
        {"requestId": int(r)} for r in ids.request_ids
    ]
    own: list[Sample] = [
        [
            {"_path": "/api/contact/paginatedContactList/export", "page": 0, "size": 100},
            {"requestId": r},
        ]
        for r in ids.request_ids[:1]
    ]
    # B's own import of A's e-mails, applied by B's poll of its own job (S1.2).
    imported: list[Sample] = [
        [
            {"_path": "/api/contact/batchupsertv2", "upsertDetails": _batch_items(ids)},
            {"requestId": "1"},
        ]
    ]
    return _one(plain) + own + imported


def _batch_items(ids: Identifiers) -> list[dict[str, Any]]:
    return [{"contact": {"email": e}, "tags": [ids.tags[0]]} for e in ids.emails]


def _batch_delete(ids: Identifiers) -> list[Sample]:
    targets = _addressees(ids) + [{"addresseeType": "TAG", "value": t} for t in ids.tags]
    plain = [{"contacts": [t]} for t in targets] + [
        {"contacts": [t], "permanently": True} for t in targets
    ]
    # B's own card with A's e-mail, then deleted by that e-mail.
    staged: list[Sample] = [
        [
            {"_path": "/api/contact/upsert", "contact": {"email": e}},
            {"contacts": [{"addresseeType": "EMAIL", "value": e}]},
        ]
        for e in ids.emails[:2]
    ]
    return _one(plain) + staged


def _export_data(ids: Identifiers) -> list[Sample]:
    data = [
        {"dataType": kind}
        for kind in (
            "CONTACT",
            "TAG",
            "EXT_EVENT",
            "FUNNELS",
            "NOTES",
            "TASKS",
            "COUPONS",
            "CONSENTS",
            "PROPERTIES",
        )
    ]
    targets = _addressees(ids, "email", "contact_id") + [
        {"addresseeType": "tag", "value": t} for t in ids.tags
    ]
    return _one({"contacts": [t], "data": data} for t in targets)


def _loyalty(ids: Identifiers, **extra: Any) -> list[Sample]:
    """A's program with each of A's addressees; and B's own card with A's e-mail first."""
    targets = _addressees(ids, "email", "contact_id") + [
        {"addresseeType": "tag", "value": t} for t in ids.tags
    ]
    program = ids.loyalty_programs[0]
    plain = [{"loyaltyProgram": program, "contacts": [t], **extra} for t in targets]
    staged: list[Sample] = [
        [
            {"_path": "/api/contact/upsert", "contact": {"email": e}},
            {
                "loyaltyProgram": program,
                "contacts": {"addresseeType": "email", "value": e},
                **extra,
            },
        ]
        for e in ids.emails[:2]
    ]
    return _one(plain) + staged


_HTML: Final = "<p>B</p>$opt-out$"


def _sends(ids: Identifiers) -> list[Sample]:
    """B sends to A's addresses, ids and tags (B has no such message: refused)."""
    targets = _addressees(ids) + [{"addresseeType": "TAG", "value": t} for t in ids.tags]
    return _one(
        {"emailId": e, "contacts": [t], "html": _HTML, "excludeContacts": [t]}
        for e in (*ids.contact_ids, "no-such-message")
        for t in targets
    )


def _simple_sends(ids: Identifiers, tags: bool = False) -> list[Sample]:
    keyed = [{"email": e} for e in ids.emails] + [{"contactId": c} for c in ids.contact_ids]
    if tags:
        keyed += [{"tag": t} for t in ids.tags]
    return _one({"emailId": "no-such-message", "contacts": [k], "text": "B"} for k in keyed)


SAMPLES: Final[dict[str, Builder]] = {
    "/api/contact/insert": _contact_writes,
    "/api/contact/upsert": _contact_writes,
    "/api/contact/update": _update,
    "/api/contact/delete": lambda ids: _one(_keyed(ids) + _keyed(ids, permanently=True)),
    "/api/contact/hasContact": lambda ids: _one({"email": e} for e in ids.emails),
    "/api/contact/batchupsert": lambda ids: _one([{"upsertDetails": _batch_items(ids)}]),
    "/api/contact/batchupsertv2": lambda ids: _one(
        [
            {"upsertDetails": _batch_items(ids)},
            {"upsertDetails": _batch_items(ids), "fireEvents": False},
        ]
    ),
    "/api/contact/batchDelete": _batch_delete,
    "/api/contact/paginatedListById": lambda ids: _one(
        [{"page": 0, "size": 1000}, {"page": 1, "size": 1}]
    ),
    "/api/contact/stopMonitoring": lambda ids: _one({"contacts": [a]} for a in _addressees(ids)),
    "/api/contact/restoreMonitoring": lambda ids: _one({"contacts": [a]} for a in _addressees(ids)),
    "/api/contact/basic": lambda ids: _one([{"email": list(ids.emails)}]),
    "/api/contact/basicById": lambda ids: _one([{"id": list(ids.contact_ids)}]),
    "/api/contact/list": lambda ids: _one([{"email": list(ids.emails)}]),
    "/api/contact/listById": lambda ids: _one([{"contactId": list(ids.contact_ids)}]),
    "/api/contact/listAll": lambda ids: _one([{"email": list(ids.emails)}]),
    "/api/contact/listAllById": lambda ids: _one([{"contactId": list(ids.contact_ids)}]),
    "/api/contact/createdContacts": lambda ids: _one([dict(_WINDOW)]),
    "/api/contact/modifiedContacts": lambda ids: _one([dict(_WINDOW)]),
    "/api/contact/paginatedModifiedContacts": lambda ids: _one(
        [{**_WINDOW, "page": 0, "size": 100}]
    ),
    "/api/contact/managetags": lambda ids: _one(
        _keyed(ids, tags=["B_TAG"], removeTags=list(ids.tags)) + _keyed(ids, tags=list(ids.tags))
    ),
    "/api/contact/tags": lambda ids: _one([{}, {"showSystemTags": True}]),
    "/api/v2/contact/tags": lambda ids: _one([{}, {"showSystemTags": True}]),
    "/api/contact/optin": lambda ids: _one(_keyed(ids)),
    "/api/contact/optout": lambda ids: _one(_keyed(ids)),
    "/api/contact/phoneoptin": lambda ids: _one(_keyed(ids)),
    "/api/contact/phoneoptout": lambda ids: _one(_keyed(ids)),
    "/api/contact/batchoptin": lambda ids: _one([{"emails": list(ids.emails)}]),
    "/api/contact/batchoptout": lambda ids: _one([{"emails": list(ids.emails)}]),
    "/api/user/listByClient": lambda ids: _one([{}]),
    "/api/system/registeraccount": lambda ids: _one(
        {"email": u, "password": "a-password"} for u in ids.users
    ),
    "/api/system/authorise": lambda ids: _one({"userName": u, "password": u} for u in ids.users),
    "/api/authorization/token": lambda ids: _one({"username": u, "password": u} for u in ids.users),
    "/api/account/integration": lambda ids: _one(
        {"token": t, "apiKey": "key-1"} for t in (*ids.job_tokens, ids.client_id)
    ),
    "/api/authorization/refreshToken": lambda ids: _one([{}]),
    "/api/integration/upsert": _integration,
    "/api/contact/setMainOwner": lambda ids: _one(
        {"contact": e, "newOwner": o} for e in ids.emails for o in (B_OWNER, *ids.users)
    ),
    "/api/funnel/add": lambda ids: _one(
        [{k: v for k, v in _funnel_setup(ids).items() if k != "_path"}]
    ),
    "/api/funnel/addContact": _funnel_contacts,
    "/api/funnel/delete": _funnel_delete,
    "/api/funnel/count": _funnel_count,
    "/api/contact/paginatedContactList/export": lambda ids: _one([{"page": 0, "size": 1000}]),
    "/api/contact/export/data": _export_data,
    "/api/job/status": _job_status,
    "/api/contact/recentActivity": lambda ids: _one(
        [dict(_WINDOW), {**_WINDOW, "allVisits": True, "ipDetails": True}]
    ),
    "/api/contact/addContactCoupon": lambda ids: _one(
        _keyed(ids, name=ids.coupon_names[0], coupon=ids.coupons[0])
        + _keyed(ids, name="B-COUPON", length=10)
    ),
    "/api/contact/useContactCoupon": _coupon_use,
    "/api/contact/addNote": lambda ids: _one(
        _keyed(ids, note="B's note") + _keyed(ids, note="B", priv=True)
    ),
    "/api/contact/updateTask": _task,
    "/api/contact/addContactExtEvent": _events_add,
    "/api/v2/contact/addContactExtEvent": _events_add,
    "/api/contact/batchAddContactExtEvent": _events_batch,
    "/api/v2/contact/addBatchContactExtEvent": _events_batch,
    "/api/contact/updateContactExtEvent": _events_update,
    "/api/v2/contact/updateContactExtEvent": _events_update,
    "/api/contact/deleteContactExtEvent": _events_delete,
    "/api/v2/contact/deleteContactExtEvent": _events_delete,
    "/api/rule/insert": lambda ids: _one(
        [{"name": ids.workflow_names[0], "events": [], "conditions": [], "actions": []}]
        + [
            {"name": r, "events": [{"ruleId": r}], "conditions": [], "actions": [{"ruleId": r}]}
            for r in ids.rule_ids
        ]
    ),
    "/api/workflow/list": lambda ids: _one([{}]),
    "/api/loyalty/program/v1/addContact": _loyalty,
    "/api/loyalty/program/v1/removeContact": _loyalty,
    "/api/loyalty/program/v1/modifyPoints": lambda ids: _loyalty(
        ids, points=1, modificationType="SUBTRACT", comment="B"
    ),
    "/api/consent/form/data": lambda ids: _one([{}]),
    "/api/email/sendConfirmation": lambda ids: (
        _one(
            {"email": k, "lang": "PL", "tag": t}
            for k in (*ids.emails, *ids.contact_ids)
            for t in ids.tags
        )
        + [
            [
                {"_path": "/api/contact/upsert", "contact": {"email": e}},
                {"email": e, "lang": "PL"},
            ]
            for e in ids.emails[:2]
        ]
    ),
    "/api/email/addEmail": lambda ids: _one(
        [{"subject": n, "name": n, "campaign": f} for n in ids.note_texts[:1] for f in ids.funnels]
        + [{"subject": "B", "templateId": t} for t in ids.contact_ids]
    ),
    "/api/email/addTemplate": lambda ids: _one([{"emailContent": "B", "name": ids.funnels[0]}]),
    "/api/email/upsertTemplate": lambda ids: _one(
        {"emailContent": "B", "name": n} for n in (*ids.funnels, *ids.workflow_names)
    ),
    "/api/email/messages": lambda ids: _one([{}]),
    "/api/email/send": _simple_sends,
    "/api/email/sendEmail": _sends,
    "/api/email/sendWithAttachment": _sends,
    "/api/sms/send": lambda ids: _simple_sends(ids, tags=True),
    "/api/email/massConversationList": lambda ids: _one([dict(_WINDOW)]),
    "/api/email/massDirectConversationList": lambda ids: _one([dict(_WINDOW)]),
    "/api/email/conversationStatistics": lambda ids: _one(
        {"conversationId": c} for c in (*ids.contact_ids, *ids.event_ids)
    ),
    "/api/email/messageStatistics": lambda ids: _one(
        {"emailId": c, **_WINDOW} for c in (*ids.contact_ids, *ids.task_ids)
    ),
}
"""Valid request sequences per path. A body with ``_path`` is a set-up step sent to
that path; the last body of a sequence goes to the path itself."""
