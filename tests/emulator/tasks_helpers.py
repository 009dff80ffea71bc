"""Helpers of the task tests of several layers (S9.2; protocol §8.4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from routes_helpers import NOW, NOW_MS, OMIT

TASK = "contact/updateTask"
DUE = NOW + timedelta(days=2)
DUE_MS = NOW_MS + 2 * 86_400_000


def create_body(**task: Any) -> dict[str, Any]:
    """An ``updateTask`` body creating a task on a@example.com, without owner."""
    fields = {"id": False, "contactEmail": "a@example.com", "note": "Call", "date": DUE_MS, **task}
    fields = {k: v for k, v in fields.items() if v is not OMIT}
    return {"owner": OMIT, "smContactTaskReq": fields, "finished": False}
