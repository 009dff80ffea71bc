"""The coverage table: every path of the protocol, and whether the emulator serves it.

Two sources, neither written by hand into the table:

- the protocol's endpoint list, shipped as data in the package
  (``salesmanago_emulator/data/protocol_paths.json``): every path of sections 2.3
  and 6 to 9 of the wire-protocol reference, with its method, section, the grade of
  its source and its purpose; a path the emulator does not serve carries a one-line
  reason (``notServed``);
- the route tables the router serves ([`ALL_ROUTES`][salesmanago_emulator.routes.ALL_ROUTES],
  and `V3_ROUTES` behind its API v3 door).

[`routes`][salesmanago_emulator.coverage.routes] lists what is served;
[`coverage`][salesmanago_emulator.coverage.coverage] joins both, so a path the protocol names and
the emulator lacks shows, with its reason. The docs' coverage page and
``salesmanago-emulator routes [--all]`` print these.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Final

import attrs

from .routes import ALL_ROUTES, V3_ROUTES

__all__ = ["CoverageRow", "ProtocolPath", "RouteInfo", "coverage", "protocol_paths", "routes"]

DATA: Final = "protocol_paths.json"
"""The protocol's endpoint list, in the package's ``data`` folder."""


@attrs.frozen(kw_only=True)
class RouteInfo:
    """One served path and what it does (a row of
    [`routes`][salesmanago_emulator.coverage.routes])."""

    path: str
    area: str
    owner_required: bool
    """The request must name an ``owner`` (legacy routes; never for API v3)."""
    description: str
    method: str = "POST"
    """The HTTP method the path takes (``GET`` for some API v3 paths)."""
    auth: str = "signed"
    """How its requests authenticate: ``"signed"`` (the account's signature),
    ``"login"`` (a user's password or a login token in the body, protocol §2.3) or
    ``"api-key"`` (API v3's ``API-KEY`` header, protocol §9)."""


@attrs.frozen(kw_only=True)
class ProtocolPath:
    """One path of the protocol's endpoint list."""

    path: str
    """The path (a ``*`` marks a family of paths the protocol names without a request)."""
    method: str
    """``POST`` or ``GET``."""
    section: str
    """The section of the wire-protocol reference (``2.3``, ``6``, ``8.1``, ...)."""
    grade: str
    """How sure the source is: A official, B observed live, C client code only."""
    purpose: str
    """What the path does, in a few words."""
    not_served: str | None
    """Why the emulator does not serve it; ``None`` when it does."""


@attrs.frozen(kw_only=True)
class CoverageRow:
    """One row of [`coverage`][salesmanago_emulator.coverage.coverage]: a path, where it comes from,
    whether it is served."""

    path: str
    method: str
    section: str | None
    """The protocol section, or ``None`` for a path the emulator adds (grade D)."""
    purpose: str
    served: bool
    area: str | None
    """The emulator area that serves it."""
    reason: str | None
    """Why it is not served (``None`` when served)."""


def routes() -> list[RouteInfo]:
    """Every served path, generated from the route tables (legacy and API v3), sorted
    by path."""
    legacy = (
        RouteInfo(
            path=r.path,
            area=r.area,
            owner_required=r.owner_required,
            description=r.description,
            auth=r.auth.value,
        )
        for r in ALL_ROUTES
    )
    v3 = (
        RouteInfo(
            path=r.path,
            area=r.area,
            owner_required=False,
            description=r.description,
            method=r.method,
            auth="api-key",
        )
        for r in V3_ROUTES
    )
    return sorted((*legacy, *v3), key=lambda info: info.path)


@cache
def protocol_paths() -> tuple[ProtocolPath, ...]:
    """The protocol's endpoint list, in the reference's order (read once)."""
    data = resources.files("salesmanago_emulator").joinpath("data").joinpath(DATA)
    text = data.read_text(encoding="utf-8")
    return tuple(
        ProtocolPath(
            path=item["path"],
            method=item["method"],
            section=item["section"],
            grade=item["grade"],
            purpose=item["purpose"],
            not_served=item.get("notServed"),
        )
        for item in json.loads(text)["paths"]
    )


def coverage() -> list[CoverageRow]:
    """Every protocol path with its status, then the served paths the protocol lacks.

    A protocol path is served when the route table has it; otherwise its row
    carries the list's reason.
    """
    served = {info.path: info for info in routes()}
    rows: list[CoverageRow] = []
    listed: set[str] = set()
    for entry in protocol_paths():
        route = served.get(entry.path)
        listed.add(entry.path)
        rows.append(
            CoverageRow(
                path=entry.path,
                method=entry.method,
                section=entry.section,
                purpose=entry.purpose,
                served=route is not None,
                area=route.area if route is not None else None,
                reason=None if route is not None else entry.not_served,
            )
        )
    for info in routes():
        if info.path not in listed:
            rows.append(
                CoverageRow(
                    path=info.path,
                    method=info.method,
                    section=None,
                    purpose=info.description,
                    served=True,
                    area=info.area,
                    reason=None,
                )
            )
    return rows
