"""A visit's device, operating system and browser read from a user agent (S16.1; the
rules are ours: ``state/_useragent.py``)."""

from __future__ import annotations

import pytest

from salesmanago_emulator.state._useragent import parse_user_agent

AGENTS = [
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36",
        ("DESKTOP", "WINDOWS", "CHROME"),
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87",
        ("DESKTOP", "WINDOWS", "EDGE"),
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        ("MOBILE", "IOS", "SAFARI"),
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "CriOS/126.0 Mobile/15E148 Safari/604.1",
        ("TABLET", "IOS", "CHROME"),
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/25.0 Chrome/121.0 Mobile Safari/537.36",
        ("MOBILE", "ANDROID", "SAMSUNG_INTERNET"),
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0 Safari/537.36",
        ("TABLET", "ANDROID", "CHROME"),
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0",
        ("DESKTOP", "MACOS", "FIREFOX"),
    ),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0 Safari/537.36 OPR/111.0",
        ("DESKTOP", "LINUX", "OPERA"),
    ),
    (
        "Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko",
        ("DESKTOP", "WINDOWS", "INTERNET_EXPLORER"),
    ),
    ("curl/8.5.0", ("DESKTOP", "OTHER", "OTHER")),
]


@pytest.mark.parametrize(("agent", "expected"), AGENTS)
def test_s16_1_user_agent_rules(agent: str, expected: tuple[str, str, str]) -> None:
    assert parse_user_agent(agent) == expected
