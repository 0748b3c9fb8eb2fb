"""The exported SDL (`schema/orggraph.graphql`): what dashboards code against.

The file is generated from the code; `orggraph schema sdl` rewrites it and the test suite
fails when the two differ, so the published contract never drifts from what is served.
"""

from __future__ import annotations

from pathlib import Path

from orggraph.api.schema import schema

SDL_PATH = Path(__file__).resolve().parents[2] / "schema" / "orggraph.graphql"


def current_sdl() -> str:
    """The schema's SDL as the code defines it, newline-terminated."""
    return schema.as_str().rstrip("\n") + "\n"


def write_sdl(path: Path = SDL_PATH) -> bool:
    """Write the SDL to `path`; return whether the file changed."""
    text = current_sdl()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
