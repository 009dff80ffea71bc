"""Control operations on the users area: ``users/password``.

- ``users/password``: ``clientId`` (default: the first account), ``email`` (a
  user of the account; another is 404), ``password`` (1 to 256 characters, not
  blank): the user's login password from now on (protocol §2.3). The tokens
  issued to the user before end. The answer names the user (never the password).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..errors import TEXT_NO_USER
from ._base import ControlArgs, ControlError, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _set_password(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Set a user's login password: clientId, email, password."""
    account = args.account(emulator)
    email = args.text("email")
    password = args.text("password")
    if not account.users.is_user(email):
        raise ControlError(TEXT_NO_USER.format(email=email, client_id=account.client_id), 404)
    return {"user": account.users.set_password(email, password)}


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(
        name="users/password", handler=_set_password, keys=("clientId", "email", "password")
    ),
)
"""This module's operations."""
