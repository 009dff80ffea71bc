"""The scoring's control operations (S4.1): ``contacts/score/set`` and ``contacts/score/add``."""

from __future__ import annotations

from control_helpers import ok, refused, upsert

from salesmanago_emulator import EmulatorServer


def test_score_set_and_add(server: EmulatorServer) -> None:
    contact_id = upsert(server, "a@example.com", name="Ann")
    assert ok(server, "contacts/score/set", {"contact": contact_id, "score": 10})["score"] == 10
    assert (
        ok(server, "contacts/score/add", {"contact": "a@example.com", "points": -3})["score"] == 7
    )
    assert ok(server, "contact", {"contact": contact_id})["contact"]["score"] == 7
    assert (
        refused(server, "contacts/score/set", {"contact": "nobody@example.com", "score": 1})[0]
        == 404
    )
    assert refused(server, "contacts/score/set", {"contact": contact_id, "score": 1.5})[0] == 400
