"""Helpers of the funnel tests of several layers (S12, S13; protocol §8.3): raw JSON as
account A (``routes_helpers.Api``)."""

from __future__ import annotations

from routes_helpers import OMIT, Api

STAGES = [{"name": "Lead", "order": 1}, {"name": "Offer", "order": 2}, {"name": "Won", "order": 3}]


def make_funnel(api: Api, name: str = "Sales", **fields: object) -> None:
    api.ok("funnel/add", funnel=name, stages=fields.pop("stages", STAGES), **fields)


def card(api: Api, email: str) -> dict[str, object]:
    """The full contact as ``contact/listAll`` shows it."""
    contacts = api.ok("contact/listAll", email=[email])["contacts"]
    assert len(contacts) == 1
    return dict(contacts[0])


def _two_in_lead(api: Api) -> None:
    """Funnel Sales (``STAGES``) with ann@ and bob@example.com in its stage Lead."""
    api.upsert("ann@example.com")
    api.upsert("bob@example.com")
    make_funnel(api)
    api.ok(
        "funnel/addContact",
        funnel="Sales",
        stage="Lead",
        contacts=[
            {"addresseeType": "EMAIL", "value": "ann@example.com"},
            {"addresseeType": "EMAIL", "value": "bob@example.com"},
        ],
    )


def count(api: Api, stage: object = OMIT) -> int:
    """Funnel Sales' count (of ``stage``, or of the whole funnel)."""
    return int(api.ok("funnel/count", funnel="Sales", stage=stage)["count"])
