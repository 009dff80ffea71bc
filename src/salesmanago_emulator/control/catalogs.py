"""Control operations for API v3 (protocol §9): ``apiv3/keys/create`` and ``catalogs``.

- ``apiv3/keys/create``: ``clientId`` (default: the first account), ``apiKey``
  (default: a new random key, 32 hex digits) -> ``{"apiKey": "..."}``, the key
  that now authenticates that account's v3 requests (``API-KEY`` header). A key
  the account holds is answered again; one another account holds is 409; one
  with white space or over 256 characters is 400. The platform makes keys in its
  UI only (Integration Center); the Python twin is
  ``account.catalogs.create_key(api_key=None)``.
- ``catalogs`` (read-only): ``clientId``, ``catalogId`` (optional: that catalog
  only, 404 if unknown) -> ``{"catalogs": [...]}``: each catalog with its times
  and every product in full, in the snapshot's shape; no keys shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..errors import TEXT_FIELD, TEXT_V3_KEY_TAKEN, V3Refused
from ..snapshot.catalogs import dump_catalog
from ..state.catalogs import check_api_key
from ._base import ControlArgs, ControlError, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _create_key(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Give an account an API v3 key (``apiKey``, or a new one); answers ``apiKey``."""
    account = args.account(emulator)
    given = args.text("apiKey", None)
    if given is not None:
        check_api_key(given)
        for other in emulator.accounts:
            if other is not account and other.catalogs.has_key(given):
                raise ControlError(TEXT_V3_KEY_TAKEN.format(client_id=other.client_id), 409)
    return {"apiKey": account.catalogs.create_key(given)}


def _catalogs(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The account's catalogs (or ``catalogId`` only) with every product; no keys."""
    account = args.account(emulator)
    catalog_id = args.text("catalogId", None)
    try:
        chosen = (
            account.catalogs.catalogs()
            if catalog_id is None
            else [account.catalogs.catalog(catalog_id)]
        )
    except V3Refused as refused:
        problem = refused.problems[0]
        raise ControlError(TEXT_FIELD.format(field=problem.field, rule=problem.rule), 404) from None
    return {"catalogs": [dump_catalog(account, catalog) for catalog in chosen]}


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(name="apiv3/keys/create", handler=_create_key, keys=("clientId", "apiKey")),
    ControlOperation(
        name="catalogs", handler=_catalogs, read_only=True, keys=("clientId", "catalogId")
    ),
)
"""This module's operations."""
