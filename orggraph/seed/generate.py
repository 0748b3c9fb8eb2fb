"""The synthetic city: a deterministic ledger with the profile's figures and injected gaps.

Everything is drawn from one `random.Random(seed)` in a fixed order over lists (never over
sets or dicts keyed by hash), so the same profile, scale and seed give the same ledger, and
the ledger writer turns that into the same bytes.

Ids are readable and hierarchical (`S01-C03-B02-G04-H0012`, cadres `M000123`, work units
`W0042`, points `P2022-000123-01`), with fixed widths per city, so id order is tree order.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta

from orggraph.domain.entities import (
    Assignment,
    Household,
    Member,
    Mode,
    PointsEntry,
    Unit,
    WorkUnit,
)
from orggraph.domain.levels import Level
from orggraph.domain.policy import DEFAULT_MIN_YEARLY_POINTS
from orggraph.ledger.model import Ledger
from orggraph.seed.names import People, branch_name, combine, flat, unique_names
from orggraph.seed.profile import Figures, Profile, ProfileError
from orggraph.seed.service import ServiceRates, add_service_year
from orggraph.seed.spread import sizes_in_ranges, spread, spread_with_empties

_QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")


def _width(count: int, minimum: int) -> int:
    return max(minimum, len(str(count)))


@dataclass
class _Building:
    """A building group as the household pass needs it."""

    id: str
    address: str
    community: int
    branch: int
    households: int
    central: int = 0


class _CityBuilder:
    def __init__(self, profile: Profile, figures: Figures, rng: random.Random) -> None:
        self.profile = profile
        self.figures = figures
        self.rng = rng
        self.people = People(rng, profile.names)
        self.ledger = Ledger()
        self.communities: list[str] = []
        self.buildings: list[_Building] = []
        self.household_community: list[int] = []
        self.branch_households: list[list[int]] = []
        """[first, end) household indexes of each branch, in branch order."""
        self.short: list[str] = []
        """Cadres drawn short of the yearly points: they earn no rewards, so serve no requests."""
        self.widths: list[int] = []
        """Digits of the child number at each level (streets, communities, ...): id order is
        tree order only if every sibling's number has the same width."""

    # -- units -----------------------------------------------------------------------------

    def units(self) -> None:
        f, gaps, names, rng = self.figures, self.profile.gaps, self.profile.names, self.rng
        streets = unique_names(rng, names.streets, f.streets, "{name}{n}", in_order=True)
        per_street = spread(rng, f.communities, f.streets)
        community_names = iter(
            unique_names(
                rng,
                combine(names.community_words, names.community_suffixes),
                f.communities,
                "{name}{n}",
            )
        )
        per_community = spread_with_empties(rng, f.branches, f.communities, gaps.empty_communities)
        compounds = iter(
            unique_names(
                rng,
                combine(names.compound_words, names.compound_suffixes),
                f.branches,
                "{name}{n}期",
            )
        )
        per_branch = spread_with_empties(rng, f.building_groups, f.branches, gaps.empty_branches)
        self.widths = [
            _width(max(counts), 2) for counts in ([f.streets], per_street, per_community)
        ]
        self.widths.append(_width(max(per_branch), 2))
        branches, buildings = iter(per_community), iter(per_branch)
        for s, (street, communities) in enumerate(zip(streets, per_street, strict=True), 1):
            street_id = f"S{s:0{self.widths[0]}d}"
            self._unit(street_id, f"{street}街道大工委", Level.STREET, None)
            for c in range(1, communities + 1):
                community = next(community_names)
                community_id = f"{street_id}-C{c:0{self.widths[1]}d}"
                self._unit(community_id, f"{community}社区大党委", Level.COMMUNITY, street_id)
                self.communities.append(community_id)
                place = f"{self.profile.city}{street}街道{community}社区"
                for b in range(1, next(branches) + 1):
                    branch_id = f"{community_id}-B{b:0{self.widths[2]}d}"
                    self._branch(branch_id, community_id, next(compounds), place, next(buildings))

    def _unit(self, unit_id: str, name: str, level: Level, parent_id: str | None) -> None:
        self.ledger.units.append(Unit(unit_id, name, level, parent_id))

    def _branch(
        self, branch_id: str, community_id: str, compound: str, place: str, buildings: int
    ) -> None:
        self._unit(branch_id, branch_name(compound), Level.BRANCH, community_id)
        branch = len(self.branch_households)
        self.branch_households.append([0, 0])
        for g in range(1, buildings + 1):
            building_id = f"{branch_id}-G{g:0{self.widths[3]}d}"
            self._unit(building_id, f"{compound}{g}栋党小组", Level.BUILDING, branch_id)
            self.buildings.append(
                _Building(
                    building_id,
                    f"{place}{compound}{g}栋",
                    len(self.communities) - 1,
                    branch,
                    0,
                )
            )

    # -- households ------------------------------------------------------------------------

    def total_households(self) -> int:
        covered = self.figures.covered_households
        return round(covered / (1 - self.profile.gaps.uncovered_share))

    def place_households(self) -> None:
        """Spread households and central households over the building groups, exactly."""
        rng, gaps = self.rng, self.profile.gaps
        counts = spread_with_empties(
            rng,
            self.total_households(),
            len(self.buildings),
            gaps.empty_building_groups,
            self.profile.households_per_building_min,
        )
        for building, count in zip(self.buildings, counts, strict=True):
            building.households = count
        lived_in = [i for i, b in enumerate(self.buildings) if b.households]
        central = self.figures.central_households
        without = max(
            min(round(gaps.building_groups_without_central * len(self.buildings)), len(lived_in)),
            len(lived_in) - central,
        )
        if without == len(lived_in) and central:
            raise ProfileError("no building group is left to hold the central households")
        skipped = set(rng.sample(lived_in, without))
        holders = [i for i in lived_in if i not in skipped]
        for index, share in zip(holders, spread(rng, central, len(holders)), strict=True):
            if share > self.buildings[index].households:
                raise ProfileError(
                    f"{self.buildings[index].id} cannot hold {share} central households"
                )
            self.buildings[index].central = share

    def households(self) -> None:
        rng, profile = self.rng, self.profile
        width = _width(max(building.households for building in self.buildings), 4)
        for building in self.buildings:
            start = len(self.ledger.households)
            count = building.households
            entrances = rng.randint(*profile.entrances)
            doors = rng.randint(*profile.rooms_per_floor)
            per_entrance = -(-count // entrances)
            floors = -(-per_entrance // doors)
            central = set(rng.sample(range(count), building.central))
            for k in range(count):
                within = k % (floors * doors)
                address = building.address + flat(
                    k // (floors * doors) + 1, within // doors + 1, within % doors + 1
                )
                self.ledger.households.append(
                    Household(
                        f"{building.id}-H{k + 1:0{width}d}",
                        self.people.name(),
                        building.id,
                        address,
                        self.people.phone(),
                        k in central,
                    )
                )
                self.household_community.append(building.community)
            span = self.branch_households[building.branch]
            if span[1] == span[0]:
                span[0] = start
            span[1] = start + count

    # -- coverage --------------------------------------------------------------------------

    def covered(self) -> list[int]:
        """Indexes of the covered households, in id order: all but the uncovered share.

        Some whole branches go uncovered first (thin branches for gap reports), the rest of the
        uncovered households are drawn at random across the city.
        """
        rng = self.rng
        total = len(self.ledger.households)
        uncovered_left = total - self.figures.covered_households
        covered = bytearray(b"\x01" * total)
        branches = [span for span in self.branch_households if span[1] > span[0]]
        wanted = round(self.profile.gaps.fully_uncovered_branches * len(self.branch_households))
        rng.shuffle(branches)
        for low, high in branches:
            if wanted == 0:
                break
            if high - low <= uncovered_left:
                covered[low:high] = bytes(high - low)
                uncovered_left -= high - low
                wanted -= 1
        still = [i for i in range(total) if covered[i]]
        for index in rng.sample(still, uncovered_left):
            covered[index] = 0
        return [i for i in range(total) if covered[i]]

    def cadre_sizes(self) -> list[int]:
        """Households per covering cadre: in the band, but for the injected out-of-band ones."""
        rng, (low, high) = self.rng, self.profile.band
        covering = self.figures.covering_cadres
        outside = set(
            rng.sample(range(covering), round(self.profile.gaps.cadres_outside_band * covering))
        )
        ranges = []
        for index in range(covering):
            if index not in outside:
                ranges.append((low, high))
            elif rng.random() < 0.5 and low > 1:
                ranges.append((max(1, low - 5), low - 1))
            else:
                ranges.append((high + 1, high + 5))
        try:
            return sizes_in_ranges(rng, self.figures.covered_households, ranges)
        except ValueError as exc:
            raise ProfileError(f"the cadres drawn outside the band make {exc}") from exc

    def members_and_assignments(self) -> None:
        rng, profile, f = self.rng, self.profile, self.figures
        covered = self.covered()
        sizes = self.cadre_sizes()
        covering = rng.sample(range(f.registered_cadres), f.covering_cadres)
        work_units = self.work_units()
        weights = [rng.uniform(0.2, 3.0) for _ in work_units]
        cumulative = list(itertools.accumulate(weights))
        member_width = _width(f.registered_cadres, 6)
        first_household: dict[int, int] = {}
        chunks: dict[int, tuple[int, int]] = {}
        position = 0
        for member, size in zip(covering, sizes, strict=True):
            chunks[member] = (position, position + size)
            first_household[member] = covered[position]
            position += size
        start, end = profile.assigned_between
        days = (end - start).days
        for m in range(f.registered_cadres):
            member_id = f"M{m + 1:0{member_width}d}"
            work_unit = rng.choices(work_units, cum_weights=cumulative)[0]
            community = self.communities[rng.randrange(len(self.communities))]
            if m in chunks:
                mode = Mode.UNIT if rng.random() < profile.unit_mode_share else Mode.RESIDENCE
                home = self.communities[self.household_community[first_household[m]]]
                if mode is Mode.RESIDENCE or rng.random() < profile.registered_where_they_cover:
                    community = home
                since = start + timedelta(days=rng.randrange(days + 1))
                low, high = chunks[m]
                for index in covered[low:high]:
                    household_id = self.ledger.households[index].id
                    self.ledger.assignments.append(Assignment(member_id, household_id, mode, since))
            self.ledger.members.append(
                Member(member_id, self.people.name(), self.people.phone(), work_unit, community)
            )
            self.points(member_id, m + 1, member_width)

    def work_units(self) -> list[str]:
        names, city, count = self.profile.names, self.profile.city, self.figures.work_units
        local = combine([*names.streets, *names.community_words], names.local_unit_kinds)
        stems = [city + d for d in names.departments]
        stems += unique_names(
            self.rng, [city + n for n in local], max(0, count - len(stems)), "{name}{n}"
        )
        width = _width(count, 4)
        ids = []
        for i, name in enumerate(stems[:count], 1):
            ids.append(f"W{i:0{width}d}")
            self.ledger.work_units.append(WorkUnit(ids[-1], name))
        return ids

    # -- points ----------------------------------------------------------------------------

    def points(self, member_id: str, number: int, width: int) -> None:
        """A year of points: basic points each quarter, rewards, now and then a penalty.

        A cadre drawn for the under-20 gap misses one or more quarters and earns no rewards;
        any other cadre is topped up to the yearly minimum if the draws fell short.
        """
        rng, rules, year = self.rng, self.profile.points, self.profile.year
        minimum = DEFAULT_MIN_YEARLY_POINTS
        short = rng.random() < self.profile.gaps.cadres_under_points
        quarters = list(range(4))
        if short:
            self.short.append(member_id)
            kept = rng.randint(0, 3)
            while kept and kept * rules.basic_per_quarter >= minimum:
                kept -= 1
            quarters = sorted(rng.sample(quarters, kept))
        entries = [
            (
                date(year, 3 * q + 3, rules.theme_day),
                rules.basic_per_quarter,
                f"基础积分（{_QUARTERS[q]}）",
            )
            for q in quarters
        ]
        if not short:
            for _ in range(rng.randint(*rules.rewards_per_cadre)):
                reason, low, high = rng.choice(rules.rewards)
                entries.append((self._day(), rng.randint(low, high), reason))
            if rng.random() < rules.penalty_share:
                reason, low, high = rng.choice(rules.penalties)
                entries.append((self._day(), -rng.randint(low, high), reason))
            total = sum(points for _, points, _ in entries)
            if total < minimum:
                entries.append((self._day(), minimum - total, rules.rewards[0][0]))
        entries.sort(key=lambda entry: (entry[0], -entry[1], entry[2]))
        for seq, (day, points, reason) in enumerate(entries, 1):
            entry_id = f"P{year}-{number:0{width}d}-{seq:02d}"
            self.ledger.points.append(PointsEntry(entry_id, member_id, day, points, reason))

    def _day(self) -> date:
        year = self.profile.year
        first = date(year, 1, 1)
        return first + timedelta(days=self.rng.randrange((date(year + 1, 1, 1) - first).days))


def _check(profile: Profile, figures: Figures) -> None:
    """Refuse an impossible city before spending time on it."""
    if figures.covering_cadres > figures.registered_cadres:
        raise ProfileError("more covering cadres than registered cadres")
    low, high = profile.band
    covering = figures.covering_cadres
    outside = round(profile.gaps.cadres_outside_band * covering)
    fewest = (covering - outside) * low + outside * max(1, low - 5)
    most = (covering - outside) * high + outside * (high + 5)
    if not fewest <= figures.covered_households <= most:
        raise ProfileError(
            f"{covering} covering cadres cannot cover {figures.covered_households} "
            f"households within {low}-{high} each"
        )
    if figures.central_households > figures.covered_households / (1 - profile.gaps.uncovered_share):
        raise ProfileError("more central households than households")


def generate_city(
    profile: Profile, scale: float = 1.0, seed: int = 1, service: ServiceRates | None = None
) -> Ledger:
    """The synthetic city of `profile` at `scale` (1 = the profile's figures), as a ledger,
    with a year of service requests at `service`'s rates (`ServiceRates()` by default)."""
    if scale <= 0:
        raise ProfileError(f"scale must be positive, got {scale}")
    figures = profile.figures.scaled(scale)
    _check(profile, figures)
    builder = _CityBuilder(profile, figures, random.Random(seed))
    builder.units()
    builder.place_households()
    builder.households()
    builder.members_and_assignments()
    rates = service if service is not None else ServiceRates()
    if rates.per_household > 0:
        add_service_year(builder.ledger, profile.year, rates, seed, builder.short)
    return builder.ledger
