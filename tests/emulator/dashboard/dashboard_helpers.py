"""What the dashboard tests share besides fixtures (a unique module name: the suite's
``conftest`` modules shadow one another when imported by name)."""

from __future__ import annotations

from typing import Final

TOKEN: Final = "test-form-token"
"""The forms' token of the ``dashboard_app`` fixture."""
