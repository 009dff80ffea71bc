"""Tag models."""

from __future__ import annotations

import attrs

__all__ = ["TagCount"]


@attrs.frozen(kw_only=True)
class TagCount:
    """A tag of the account and how many live contacts carry it."""

    tag: str
    number_of_tagged: int = 0
