"""Control operation on companies (S4): ``companies``.

- ``companies`` (read-only): the account's companies, each with its ``name``,
  ``scoring``, live ``persons`` (e-mails), ``campaigns`` and ``mailings`` (the
  persons' message records); with ``name``,
  only that company as ``company`` (404 if there is none).

It acts on the account named by ``clientId`` (default: the first). The
platform has no company route: tests read companies here (or with
``account.companies``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..snapshot.messages import dump_record
from ._base import ControlArgs, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _companies(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The account's companies (name, scoring, live persons' e-mails, campaigns); or ``name``."""
    account = args.account(emulator)
    name = args.text("name", None)
    names = [name] if name is not None else account.companies.names()
    views = [account.companies.company(n) for n in names]
    companies = [
        {
            "name": view.name,
            "scoring": view.scoring,
            "persons": [person.email for person in view.persons],
            "campaigns": list(view.campaigns),
            "mailings": [dump_record(m) for m in view.mailings],
        }
        for view in views
    ]
    if name is not None:
        return {"company": companies[0]}
    return {"companies": companies}


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(
        name="companies", handler=_companies, read_only=True, keys=("clientId", "name")
    ),
)
"""This module's operations."""
