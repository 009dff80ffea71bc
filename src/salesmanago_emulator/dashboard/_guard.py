"""Whether a dashboard form POST may change anything: same origin, form type, our token.

A form cannot send JSON, so the dashboard's write routes accept
``application/x-www-form-urlencoded`` and check instead (grade D,
docs/emulator/decisions.md "Dashboard writes: a form with the page's token, from the
same origin"): the ``Origin`` header (or, when a browser left it out, the ``Referer``'s
origin) must be the dashboard's own scheme and host, and the form's ``csrf`` field must
equal the token the pages were rendered with (compared in constant time). A page of
another site can make a browser post a form, but can neither read the token nor send
our origin. The Host allow-list of the server (against DNS rebinding) is the ASGI
app's job.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Final
from urllib.parse import urlsplit

__all__ = ["FORM_TYPE", "form_refusal", "origin_of", "safe_next"]

FORM_TYPE: Final = "application/x-www-form-urlencoded"
"""The only content type a dashboard write accepts."""


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of ``url`` (lower case), or ``None`` when it has none."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def form_refusal(
    headers: Mapping[str, str], own_origin: str, fields: Mapping[str, str], token: str
) -> str | None:
    """Why a form POST is refused (a sentence), or ``None`` when it may run.

    ``headers`` are the request's (lower-case names), ``own_origin`` the dashboard's
    ``scheme://host`` as the request reached it, ``fields`` the decoded form.
    """
    kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != FORM_TYPE:
        return f"a dashboard action takes a form ({FORM_TYPE}), not {kind or 'no body type'}"
    sent = headers.get("origin")
    if sent is None and "referer" in headers:
        sent = origin_of(headers["referer"])
    if sent is None or sent.lower() != own_origin.lower():
        return f"a dashboard action must come from the dashboard's own origin ({own_origin})"
    if not hmac.compare_digest(fields.get("csrf", "").encode(), token.encode()):
        return "the form's token is missing or stale: reload the page and try again"
    return None


def safe_next(value: str, base: str) -> str:
    """Where to go after an action: ``value`` if it is a path under ``base``, else ``base/``
    (never another site: no scheme, no ``//`` host, no backslash)."""
    ok = (
        value.startswith(base + "/")
        and not value.startswith("//")
        and "\\" not in value
        and urlsplit(value).netloc == ""
    )
    return value if ok else base + "/"
