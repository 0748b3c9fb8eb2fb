"""Which of the API's two languages a request prefers, from its Accept-Language header."""

from __future__ import annotations

SUPPORTED = ("en", "zh")


def preferred_language(header: str | None) -> str:
    """`zh` or `en`: the supported language with the highest weight (`zh-CN;q=0.9, en;q=0.8`
    gives `zh`); English when the header is missing or names neither."""
    best, best_weight = "en", 0.0
    for part in (header or "").split(","):
        tag, _, params = part.strip().partition(";")
        language = tag.strip().lower().split("-", 1)[0]
        if language not in SUPPORTED:
            continue
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight > best_weight:
            best, best_weight = language, weight
    return best
