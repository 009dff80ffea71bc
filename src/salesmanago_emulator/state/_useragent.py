"""A visit's device, operating system and browser read from a user agent (S16.1).

The platform's tracking script reports them; the emulator reads them from a
``User-Agent`` text with a short, fixed list of rules (ours, grade D), tried in
order, the first match winning; nothing matching gives ``OTHER``:

- device: ``iPad`` or ``Tablet``, or ``Android`` without ``Mobile`` -> ``TABLET``;
  ``Mobi`` (``Mobile``), ``iPhone``, ``iPod`` -> ``MOBILE``; anything else ``DESKTOP``;
- system: ``iPhone`` / ``iPad`` / ``iPod`` -> ``IOS`` (before macOS: their agents say
  "like Mac OS X"); ``Android`` -> ``ANDROID``; ``Windows`` -> ``WINDOWS``; ``CrOS``
  -> ``CHROME_OS``; ``Mac OS X`` / ``Macintosh`` -> ``MACOS``; ``Linux`` -> ``LINUX``;
- browser: ``Edg`` -> ``EDGE``; ``OPR/`` / ``Opera`` -> ``OPERA``; ``SamsungBrowser``
  -> ``SAMSUNG_INTERNET``; ``Firefox/`` / ``FxiOS`` -> ``FIREFOX``; ``Chrome/`` /
  ``CriOS`` -> ``CHROME``; ``MSIE`` / ``Trident/`` -> ``INTERNET_EXPLORER``;
  ``Safari/`` -> ``SAFARI``.
"""

from __future__ import annotations

from typing import Final

__all__ = ["OTHER", "parse_user_agent"]

OTHER: Final = "OTHER"
"""What a part no rule recognises is called."""

_SYSTEMS: Final = (
    (("iPhone", "iPad", "iPod"), "IOS"),
    (("Android",), "ANDROID"),
    (("Windows",), "WINDOWS"),
    (("CrOS",), "CHROME_OS"),
    (("Mac OS X", "Macintosh"), "MACOS"),
    (("Linux",), "LINUX"),
)
_BROWSERS: Final = (
    (("Edg",), "EDGE"),
    (("OPR/", "Opera"), "OPERA"),
    (("SamsungBrowser",), "SAMSUNG_INTERNET"),
    (("Firefox/", "FxiOS"), "FIREFOX"),
    (("Chrome/", "CriOS"), "CHROME"),
    (("MSIE", "Trident/"), "INTERNET_EXPLORER"),
    (("Safari/",), "SAFARI"),
)


def _first(text: str, rules: tuple[tuple[tuple[str, ...], str], ...]) -> str:
    for needles, name in rules:
        if any(needle in text for needle in needles):
            return name
    return OTHER


def _device(text: str) -> str:
    if "iPad" in text or "Tablet" in text or ("Android" in text and "Mobi" not in text):
        return "TABLET"
    if "Mobi" in text or "iPhone" in text or "iPod" in text:
        return "MOBILE"
    return "DESKTOP"


def parse_user_agent(text: str) -> tuple[str, str, str]:
    """The device, operating system and browser a user agent names (see the module)."""
    return _device(text), _first(text, _SYSTEMS), _first(text, _BROWSERS)
