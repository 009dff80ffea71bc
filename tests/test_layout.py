"""One area, one name: every layer names an area as the SDK resource that reaches it.

The map (docs/development/architecture.md): ``salesmanago/resources/<area>.py`` and
``salesmanago_emulator/{state,routes,control,snapshot}/<area>.py``, tested in
``tests/emulator/<layer>/test_<layer>_<area>.py``. A module whose name starts with ``_``
is the layer's own machinery, not an area; its tests are named for it without the
``_`` (``test_state_purge.py`` for ``state/_purge.py``). These tests read the packages
and the suite as files, so a module nobody imports still counts (and still has to fit).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Final

import pytest

from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator.state import AccountArea

SRC: Final = Path(__file__).resolve().parent.parent / "src"
TESTS: Final = Path(__file__).resolve().parent / "emulator"
SDK: Final = SRC / "salesmanago" / "resources"
EMULATOR: Final = SRC / "salesmanago_emulator"
LAYERS: Final = ("state", "routes", "control", "snapshot")

# Each exception says why a name is missing from a layer, or why a layer has a name
# that is not an SDK resource. Anything not listed here must line up.
SDK_ONLY: Final[dict[str, str]] = {
    "campaigns": "campaigns are funnels of companies: the emulator keeps them in `funnels`",
}
EMULATOR_ONLY_AREAS: Final[dict[str, str]] = {
    "companies": "the platform has no public endpoint for companies (protocol §8.6)",
    "callbacks": "callbacks go from the platform to the integrator; no SDK call sends them",
    "timeline": "the card's timeline is shown in the platform's UI only (seed 003 §14)",
    "contact_manager": "the Contact Manager is the platform's UI only (seed 004): no endpoint",
}
NOT_IN_LAYER: Final[dict[tuple[str, str], str]] = {
    ("routes", "scoring"): "no public endpoint writes scoring (protocol §7)",
    ("routes", "companies"): "no public endpoint for companies (protocol §8.6)",
    ("routes", "callbacks"): "callbacks are registered through the control API only",
    ("control", "tags"): "tags are set up through the API or Python; no control operation",
    ("control", "coupons"): "coupons are set up through the API or Python",
    ("control", "notes"): "notes are set up through the API or Python",
    ("control", "tasks"): "tasks are set up through the API or Python",
    ("control", "funnels"): "funnels are set up through the API or Python",
    ("snapshot", "scoring"): "scoring is a field of the card: `snapshot/contacts.py`",
    ("routes", "timeline"): "no public endpoint reads the timeline (seed 003 §14)",
    ("routes", "contact_manager"): "the Contact Manager has no public endpoint (seed 004)",
}
EMULATOR_LEVEL: Final[dict[str, dict[str, str]]] = {
    # names of a layer that are the emulator's own, not an account's area
    "state": {"account": "the composition root: the core and every area of one account"},
    "routes": {},
    "control": {
        "accounts": "creating and listing accounts",
        "clock": "the emulator's clock",
        "calls": "the call log",
        "faults": "fault injection at the HTTP door",
        "snapshot": "the state export and import (`state`, `state/import`, `area`)",
        "routes": "the list of control operations",
    },
    "snapshot": {},
}

# The tests follow the same map. A layer's area without its test file, or a test file
# named for neither an area nor a module of its layer, is listed here with the reason.
NO_TEST_FILE: Final[dict[tuple[str, str], str]] = {}
TEST_TOPICS: Final[dict[str, dict[str, str]]] = {
    # test files of a layer named for what they test across its modules
    "state": {
        "memory": "the memory budget of a card with its store and indexes (a performance check)",
    },
    "routes": {
        "auth": "the router's authentication, errors and call log (``_router.py``)",
        "isolation": "two accounts kept apart through every area's routes (S1.2)",
        "threads": "concurrent requests through the router and the lock",
        "types": "reading bodies: wrong types, nulls, unknown keys, exact numbers (``_parse.py``)",
        "plugin_transport": "the pytest plugin, the transport and the Emulator object's helpers",
        "table": "the route table ``routes/__init__.py`` builds (``ALL_ROUTES``)",
        "fast_paths": "the door's fast paths (transport, router) pinned to the general path",
    },
    "control": {
        "table": "the control table ``control/__init__.py`` builds (``CONTROL_TABLE``)",
    },
    "snapshot": {
        "format": "the format as a whole (``snapshot/__init__.py``, version 1 through ``_v1.py``)",
        "areas": "every area at once, through the table ``AREAS`` of ``snapshot/__init__.py``",
    },
}
OTHER_TEST_DIRS: Final[dict[str, str]] = {
    # directories of tests/emulator/ that are no layer
    "server": "server mode: ``server.py``, ``cli.py`` and ``statefile.py`` behind a real socket",
    "delivery": "callback delivery over loopback HTTP (``delivery.py``), across layers on purpose",
    "replay": "replaying a recorded call log (``replay.py``, ``cli.py``'s ``replay`` command)",
    "dashboard": "the dashboard pages (``dashboard/``): views, forms, a real browser",
}


def _modules(package: Path) -> set[str]:
    return {p.stem for p in package.glob("*.py") if not p.stem.startswith("_")}


def _areas() -> set[str]:
    return _modules(EMULATOR / "state") - set(EMULATOR_LEVEL["state"])


def test_every_sdk_resource_is_an_emulator_area() -> None:
    missing = _modules(SDK) - _areas() - set(SDK_ONLY)
    assert not missing, f"SDK resources with no state/<area>.py: {sorted(missing)}"


def test_every_emulator_area_is_an_sdk_resource_or_explained() -> None:
    extra = _areas() - _modules(SDK) - set(EMULATOR_ONLY_AREAS)
    assert not extra, f"emulator areas that are no SDK resource: {sorted(extra)}"


@pytest.mark.parametrize("layer", LAYERS[1:])
def test_each_layer_names_only_areas_or_explained_modules(layer: str) -> None:
    unknown = _modules(EMULATOR / layer) - _areas() - set(EMULATOR_LEVEL[layer])
    assert not unknown, f"{layer}/ modules that name no area: {sorted(unknown)}"


@pytest.mark.parametrize("layer", LAYERS[1:])
def test_each_area_has_its_module_in_each_layer_or_a_reason(layer: str) -> None:
    present = _modules(EMULATOR / layer)
    missing = {a for a in _areas() if a not in present and (layer, a) not in NOT_IN_LAYER}
    assert not missing, f"areas with no {layer}/<area>.py and no reason: {sorted(missing)}"


def test_exceptions_are_still_needed() -> None:
    """A reason that no longer applies is dropped (the list stays short and true)."""
    stale = [(layer, a) for (layer, a) in NOT_IN_LAYER if a in _modules(EMULATOR / layer)]
    stale += [("sdk", name) for name in SDK_ONLY if name in _areas()]
    stale += [("state", name) for name in EMULATOR_ONLY_AREAS if name in _modules(SDK)]
    assert not stale


def test_each_area_attribute_key_and_module_share_one_name() -> None:
    """``account.<name>`` is the area of ``state/<name>.py`` whose ``key`` is ``<name>``."""
    emu = Emulator(FrozenClock(datetime(2026, 1, 15, tzinfo=timezone.utc)))
    account = emu.add_account(client_id="c", api_secret="s", users=["u@example.com"])
    seen = set()
    for area in account.areas:
        assert isinstance(area, AccountArea)
        module = type(area).__module__.rsplit(".", 1)[-1]
        assert (area.key, getattr(account, area.key)) == (module, area)
        seen.add(area.key)
    assert seen == _areas()


def _layer_names(layer: str) -> set[str]:
    """Every module of a layer, the machinery's without its ``_``."""
    package = EMULATOR / layer
    return {p.stem.lstrip("_") for p in package.glob("*.py") if p.stem != "__init__"}


def _test_names(layer: str) -> set[str]:
    """What each test file of ``tests/emulator/<layer>/`` is named for."""
    prefix = f"test_{layer}_"
    return {p.stem.removeprefix(prefix) for p in (TESTS / layer).glob("test_*.py")}


@pytest.mark.parametrize("layer", LAYERS)
def test_each_area_of_a_layer_has_its_test_file(layer: str) -> None:
    """``<layer>/<area>.py`` is tested in ``tests/emulator/<layer>/test_<layer>_<area>.py``."""
    areas = _areas() & _modules(EMULATOR / layer)
    missing = {
        f"{layer}/test_{layer}_{a}.py"
        for a in areas
        if not (TESTS / layer / f"test_{layer}_{a}.py").exists() and (layer, a) not in NO_TEST_FILE
    }
    assert not missing, f"areas of {layer}/ with no test file and no reason: {sorted(missing)}"


@pytest.mark.parametrize("layer", LAYERS)
def test_each_test_file_of_a_layer_is_named_for_an_area_a_module_or_a_topic(layer: str) -> None:
    """``test_<layer>_<name>.py``: an area, a module of the layer, or an explained topic."""
    files = [p.name for p in (TESTS / layer).glob("test_*.py")]
    unprefixed = [name for name in files if not name.startswith(f"test_{layer}_")]
    assert not unprefixed, f"test files of {layer}/ without the test_{layer}_ prefix: {unprefixed}"
    known = _areas() | _layer_names(layer) | set(TEST_TOPICS[layer])
    unknown = _test_names(layer) - known
    assert not unknown, f"{layer}/ test files named for nothing on the map: {sorted(unknown)}"


def test_tests_emulator_holds_the_layers_and_explained_directories() -> None:
    dirs = {p.name for p in TESTS.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    assert dirs - set(LAYERS) - set(OTHER_TEST_DIRS) == set()


def test_test_exceptions_are_still_needed() -> None:
    """A topic is no area or module name and has its file; a missing file is missing;
    an explained directory exists (the lists stay short and true)."""
    stale = [
        f"{layer}: {name}"
        for layer, topics in TEST_TOPICS.items()
        for name in topics
        if name in _areas() | _layer_names(layer) or name not in _test_names(layer)
    ]
    stale += [
        f"{layer}: {area}"
        for layer, area in NO_TEST_FILE
        if (TESTS / layer / f"test_{layer}_{area}.py").exists()
    ]
    stale += [name for name in OTHER_TEST_DIRS if not (TESTS / name).is_dir()]
    assert not stale
