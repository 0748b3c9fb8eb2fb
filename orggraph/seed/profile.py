"""City profiles: the figures, shares and name lists a synthetic city is generated from.

A profile is data, not code (`seed/profiles/<name>.toml`), so a deployment can describe its
own city without touching Python. `qianjiang.toml` carries the source document's figures.
Every value is read and checked here, so the generator can trust what it is given.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orggraph


class ProfileError(ValueError):
    """A profile that cannot be loaded or that asks for an impossible city."""


@dataclass(frozen=True)
class Figures:
    """Counts at scale 1 (the document's figures for Qianjiang; work units are an estimate)."""

    streets: int
    communities: int
    branches: int
    building_groups: int
    central_households: int
    registered_cadres: int
    covering_cadres: int
    covered_households: int
    work_units: int

    def scaled(self, scale: float) -> Figures:
        """Every count times `scale`, rounded, and at least 1 so a tiny city keeps its shape."""

        def times(value: int) -> int:
            return max(1, round(value * scale))

        return Figures(
            times(self.streets),
            times(self.communities),
            times(self.branches),
            times(self.building_groups),
            times(self.central_households),
            times(self.registered_cadres),
            times(self.covering_cadres),
            times(self.covered_households),
            times(self.work_units),
        )


@dataclass(frozen=True)
class Gaps:
    """How often each kind of coverage gap is injected (shares of the units or cadres concerned).

    None of them may change the figures: empty units leave their children to siblings, and
    building groups without a central household leave the 党员中心户 to other groups.
    Cadres drawn outside the band keep the total of covered households, so a profile may set
    `cadres_outside_band` without changing the document's figures.
    """

    uncovered_share: float
    fully_uncovered_branches: float
    building_groups_without_central: float
    empty_communities: float
    empty_branches: float
    empty_building_groups: float
    cadres_outside_band: float
    cadres_under_points: float


@dataclass(frozen=True)
class PointsRules:
    """How points entries are made: basic points each quarter plus rewards and penalties."""

    basic_per_quarter: int
    theme_day: int
    rewards: tuple[tuple[str, int, int], ...]
    penalties: tuple[tuple[str, int, int], ...]
    rewards_per_cadre: tuple[int, int]
    penalty_share: float


@dataclass(frozen=True)
class Names:
    """Word lists that names are built from (Chinese; see seed/profiles/names_zh.toml)."""

    streets: tuple[str, ...]
    community_words: tuple[str, ...]
    community_suffixes: tuple[str, ...]
    compound_words: tuple[str, ...]
    compound_suffixes: tuple[str, ...]
    surnames: tuple[str, ...]
    given_chars: tuple[str, ...]
    departments: tuple[str, ...]
    local_unit_kinds: tuple[str, ...]


@dataclass(frozen=True)
class Profile:
    name: str
    city: str
    year: int
    figures: Figures
    band: tuple[int, int]
    households_per_building_min: int
    entrances: tuple[int, int]
    rooms_per_floor: tuple[int, int]
    unit_mode_share: float
    registered_where_they_cover: float
    assigned_between: tuple[date, date]
    gaps: Gaps
    points: PointsRules
    names: Names


def _section(data: dict[str, Any], key: str, source: Path) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ProfileError(f"{source}: missing section [{key}]")
    return value


def _int(section: dict[str, Any], key: str, where: str, minimum: int = 0) -> int:
    value = section.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ProfileError(f"{where}.{key} must be a whole number >= {minimum}, got {value!r}")
    return value


def _share(section: dict[str, Any], key: str, where: str) -> float:
    value = section.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value < 1:
        raise ProfileError(f"{where}.{key} must be a share in [0, 1), got {value!r}")
    return float(value)


def _pair(section: dict[str, Any], key: str, where: str) -> tuple[int, int]:
    value = section.get(key)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or not 0 <= value[0] <= value[1]
    ):
        raise ProfileError(f"{where}.{key} must be [low, high] whole numbers, got {value!r}")
    return (value[0], value[1])


def _words(section: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = section.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{where}.{key} must be a non-empty list of strings")
    return tuple(value)


def _scored(section: dict[str, Any], key: str, where: str) -> tuple[tuple[str, int, int], ...]:
    value = section.get(key)
    bad = ProfileError(f"{where}.{key} must be a list of [reason, low, high]")
    if not isinstance(value, list) or not value:
        raise bad
    rows = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)):
            raise bad
        low, high = _pair({"v": item[1:]}, "v", f"{where}.{key}")
        rows.append((item[0], low, high))
    return tuple(rows)


def _figures(section: dict[str, Any]) -> Figures:
    keys = Figures.__dataclass_fields__
    return Figures(**{key: _int(section, key, "figures", 1) for key in keys})


def _gaps(section: dict[str, Any]) -> Gaps:
    return Gaps(**{key: _share(section, key, "gaps") for key in Gaps.__dataclass_fields__})


def _names(path: Path) -> Names:
    data = _load_toml(path)
    return Names(**{key: _words(data, key, path.name) for key in Names.__dataclass_fields__})


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"cannot read {path}: {exc}") from exc


def profile_dirs() -> list[Path]:
    """Where named profiles are looked up: the packaged copy, then the repository's seed/."""
    package = Path(orggraph.__file__).parent
    return [package / "_seed" / "profiles", package.parent / "seed" / "profiles"]


def find_profile(name_or_path: str) -> Path:
    """A profile by name (`qianjiang`) or by path to a .toml file."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" and candidate.is_file():
        return candidate
    for folder in profile_dirs():
        path = folder / f"{name_or_path}.toml"
        if path.is_file():
            return path
    known = sorted({p.stem for d in profile_dirs() if d.is_dir() for p in d.glob("*.toml")})
    raise ProfileError(
        f"no profile {name_or_path!r}; known: {', '.join(known) or 'none'} (or give a .toml path)"
    )


def load_profile(name_or_path: str) -> Profile:
    """Read and check a profile; names come from the word-list file it points at."""
    path = find_profile(name_or_path)
    data = _load_toml(path)
    households = _section(data, "households", path)
    cadres = _section(data, "cadres", path)
    points = _section(data, "points", path)
    names_file = data.get("names")
    if not isinstance(names_file, str):
        raise ProfileError(f"{path}: `names` must name a word-list file beside the profile")
    band = _pair(data, "band", "profile")
    if band[0] < 1:
        raise ProfileError("profile.band must start at 1 or more")
    start, end = (_date(cadres, key) for key in ("assigned_from", "assigned_until"))
    if end < start:
        raise ProfileError("cadres.assigned_until is before cadres.assigned_from")
    return Profile(
        name=str(data.get("name", path.stem)),
        city=str(data.get("city", "")),
        year=_int(data, "year", "profile", 1900),
        figures=_figures(_section(data, "figures", path)),
        band=band,
        households_per_building_min=_int(households, "min_per_building", "households", 1),
        entrances=_pair(households, "entrances", "households"),
        rooms_per_floor=_pair(households, "rooms_per_floor", "households"),
        unit_mode_share=_share(cadres, "unit_mode_share", "cadres"),
        registered_where_they_cover=_share(cadres, "registered_where_they_cover", "cadres"),
        assigned_between=(start, end),
        gaps=_gaps(_section(data, "gaps", path)),
        points=PointsRules(
            basic_per_quarter=_int(points, "basic_per_quarter", "points"),
            theme_day=_int(points, "theme_day", "points", 1),
            rewards=_scored(points, "rewards", "points"),
            penalties=_scored(points, "penalties", "points"),
            rewards_per_cadre=_pair(points, "rewards_per_cadre", "points"),
            penalty_share=_share(points, "penalty_share", "points"),
        ),
        names=_names(path.parent / names_file),
    )


def _date(section: dict[str, Any], key: str) -> date:
    value = section.get(key)
    if not isinstance(value, date):
        raise ProfileError(f"cadres.{key} must be a TOML date (YYYY-MM-DD), got {value!r}")
    return value
