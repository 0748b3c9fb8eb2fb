"""Accept-Language to the API's language: the highest weight among en and zh wins."""

from __future__ import annotations

import pytest

from orggraph.api.languages import preferred_language


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "en"),
        ("", "en"),
        ("zh", "zh"),
        ("zh-Hans-CN", "zh"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("ZH-cn;q=0.9, EN;q=0.8", "zh"),
        ("en;q=0.2, zh;q=0.7", "zh"),
        ("fr, de;q=0.5", "en"),
        ("zh;q=0, en;q=0.1", "en"),
        ("zh;q=bad", "en"),
    ],
)
def test_the_preferred_supported_language_is_chosen(header: str | None, language: str) -> None:
    assert preferred_language(header) == language
