"""The two wires: how a call becomes a request and an answer its result.

`LegacyWire` is the legacy API's (protocol §2, §3): JSON POSTs signed in
the body, every answer an envelope whose ``success`` decides. `V3Wire` is
API v3's (protocol §9): an ``API-KEY`` header, real HTTP statuses, refusals as
``problems`` with reason codes. Each is a mixin of `BaseClient`
filling its two hooks; retries, HTTP status errors and result reading stay there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import httpx

from . import _auth
from ._base_client import HEADERS, BaseClient, decode_body
from ._calls import Call
from .errors import (
    InvalidResponseError,
    V3Problem,
    error_class_for_messages,
    error_class_for_reason_codes,
)

__all__ = ["API_KEY_HEADER", "LegacyWire", "V3Wire", "read_problems", "read_warnings", "renamed"]

T = TypeVar("T")

#: The header carrying the API v3 key (protocol §9).
API_KEY_HEADER = "API-KEY"


class LegacyWire(BaseClient):
    """The legacy API: signed JSON bodies, answers in the envelope (protocol §2, §3).

    ``_credentials`` is set by the client before anything is sent; the login
    chain's session has none and sends only unsigned calls.
    """

    _credentials: _auth.Credentials

    @property
    def owner(self) -> str:
        """The platform user in whose name calls run."""
        return self._credentials.owner

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(client_id={self._credentials.client_id!r}, "
            f"owner={self.owner!r}, endpoint={self._base_url!r})"
        )

    def _build_request(self, call: Call[Any]) -> httpx.Request:
        """The HTTP request for one attempt of ``call`` (a fresh ``requestTime``): the
        auth fields and ``owner`` (also in each nested request), then the call's fields."""
        endpoint = call.endpoint
        payload: dict[str, object] = {}
        if endpoint.signed:
            payload = self._credentials.auth_fields(_auth.now_ms())
            if endpoint.send_owner:
                payload["owner"] = self._credentials.owner
            if endpoint.send_user:
                payload["user"] = self._credentials.owner
        payload.update(call.body)
        for key in endpoint.nested:
            part = payload.get(key)
            if isinstance(part, Mapping):
                who = {"clientId": self._credentials.client_id, "owner": self._credentials.owner}
                payload[key] = {**who, **part}
        if call.files:
            return self._form_request(call, payload)
        return self._http_request(call, payload)

    def _read_response(self, call: Call[T], response: httpx.Response) -> T:
        """The call's result from the envelope, or the matching error."""
        path = call.endpoint.path
        status = response.status_code
        body = decode_body(response)
        if status >= 400:
            message = f"HTTP {status}"
            if isinstance(body, Mapping) and isinstance(body.get("message"), list):
                message += ": " + " | ".join(str(m) for m in body["message"])
            raise self._status_error(call, response, body, message)
        if not isinstance(body, Mapping) or not isinstance(body.get("success"), bool):
            snippet = body if isinstance(body, str) else type(body).__name__
            raise InvalidResponseError(
                f"HTTP {status} with a body that is not the API's JSON envelope: {snippet!s:.200}",
                endpoint=path,
                response=response,
                body=body,
            )
        if not body["success"] and not (call.partial_key and body.get(call.partial_key)):
            raw = body.get("message")
            texts = [str(m) for m in raw] if isinstance(raw, list) else [str(raw or "")]
            # A chunk of a batch: name items by their index in the caller's list.
            messages = [call.caller_text(m) for m in texts]
            values = body.get("values")
            raise error_class_for_messages(messages)(
                messages,
                endpoint=path,
                response=response,
                body=body,
                values=_caller_values(call, values) if isinstance(values, Mapping) else None,
            )
        return self._parse(call, body, response)


def _caller_values(call: Call[Any], values: Mapping[str, object]) -> dict[str, object]:
    """The failure's ``values`` with a chunk's item references renumbered (text values)."""
    return {k: call.caller_text(v) if isinstance(v, str) else v for k, v in values.items()}


class V3Wire(BaseClient):
    """API v3: the key in the ``API-KEY`` header, JSON bodies for POSTs, real HTTP
    statuses and ``problems`` with reason codes (protocol §9).

    ``_api_key`` is set by the client; it is never printed.
    """

    _api_key: str

    def __repr__(self) -> str:
        return f"{type(self).__name__}(endpoint={self._base_url!r})"

    def _build_request(self, call: Call[Any]) -> httpx.Request:
        """The request: the call's fields as the JSON body of a POST (a GET has none),
        and the key in the ``API-KEY`` header."""
        headers = {**HEADERS, API_KEY_HEADER: self._api_key}
        body = dict(call.body) if call.endpoint.method == "POST" else None
        return self._http_request(call, body, headers)

    def _read_response(self, call: Call[T], response: httpx.Response) -> T:
        """The call's result from a 2xx JSON object, or the matching error: reason
        codes decide the class of a refusal; other statuses map like the legacy API's."""
        status = response.status_code
        body = decode_body(response)
        if status >= 400:
            problems = [renamed(p, call.caller_text) for p in read_problems(body)]
            if status < 500 and status not in (408, 429) and (problems or status in (401, 403)):
                messages = [p.message for p in problems] or [f"HTTP {status}"]
                codes = [p.reason_code for p in problems]
                raise error_class_for_reason_codes(codes, status)(
                    messages,
                    endpoint=call.endpoint.path,
                    response=response,
                    body=body,
                    problems=problems,
                )
            detail = " | ".join(p.message for p in problems)
            raise self._status_error(
                call, response, body, f"HTTP {status}: {detail}" if detail else f"HTTP {status}"
            )
        if not isinstance(body, Mapping):
            snippet = body if isinstance(body, str) else type(body).__name__
            raise InvalidResponseError(
                f"HTTP {status} with a body that is not a JSON object: {snippet!s:.200}",
                endpoint=call.endpoint.path,
                response=response,
                body=body,
            )
        return self._parse(call, body, response)


def renamed(problem: V3Problem, rename: Callable[[str], str]) -> V3Problem:
    """``problem`` with its field and text passed through ``rename`` (a chunk's item
    references renumbered to the caller's list)."""
    field = None if problem.field is None else rename(problem.field)
    return V3Problem(reason_code=problem.reason_code, field=field, text=rename(problem.text))


def read_problems(body: object) -> list[V3Problem]:
    """The problems of an API v3 answer, in either shape the platform uses:
    ``{"problems": [{"reasonCode", "message"}]}`` or ``{"messages": [...],
    "reasonCode": N}``; anything unreadable is left out."""
    if not isinstance(body, Mapping):
        return []
    out: list[V3Problem] = []
    problems = body.get("problems")
    if isinstance(problems, Sequence) and not isinstance(problems, str):
        for item in problems:
            if isinstance(item, Mapping) and (code := _code(item.get("reasonCode"))) is not None:
                out.append(V3Problem.parse(code, str(item.get("message") or "")))
    messages = body.get("messages")
    code = _code(body.get("reasonCode"))
    if code is not None and isinstance(messages, Sequence) and not isinstance(messages, str):
        out.extend(V3Problem.parse(code, str(m)) for m in messages)
    return out


def read_warnings(
    body: Mapping[str, Any], rename: Callable[[str], str] = str
) -> tuple[V3Problem, ...]:
    """The problems a successful API v3 answer carries (code 12: a value was trimmed),
    passed through ``rename`` (a chunk's item references renumbered)."""
    return tuple(renamed(p, rename) for p in read_problems(body))


def _code(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None
