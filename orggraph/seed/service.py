"""A year of service requests for the synthetic city (三(三)4), every timeline made by the
domain's own rules (`orggraph.domain.service_history.replay`), so the generator cannot write
one the import would refuse.

Each request is ordered by a household on a day of the profile's year, dispatched by its
building group (or branch) to the cadre covering it (or, for a household nobody covers, to a
work unit), accepted, done and verified by its community; some are declined and dispatched
again, some fail verification and are redone, some are cancelled, a few stall. Each wait is
drawn from the policy's limit for its kind and stage: most inside it, `late_share` past it.
What has not finished by the year's end stays open where it stands (so the city has
requests in every state), and the waits that ran past their limit are the overdue gaps.

Finished requests (verified, cancelled) always fall in the profile's year, the points year
every report defaults to, so their points count toward that year's minimum. When `until` is
after that year (`orggraph serve --demo` passes the day before it runs), the open requests are
moved forward by whole days so that the year's end lands on `until`: they have waited as long
as of `until` as they had at the year's end, some inside their limits and some past them, and
the demo shows both as of the day it runs.

The supply list comes with them (`offer_year`): some cadres offer a skill and some work units
a resource, each serving its community, a street or the whole city, a few for a season only,
a few withdrawn during the year. A share of the dispatches to a cadre or work unit with a
fitting offer (open that day, serving the household's place: `ServiceOffer.check_match`) is
matched to it, and the timeline replayed with the offer, so a match is one the rules allow.

Drawn from `random.Random`s of their own (requests, offers, matches), seeded from the city's
seed, so adding requests leaves every other row of the city as it was, and adding offers and
matches leaves every request's timeline as it was but for the matched dispatches' offer.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from orggraph.domain.entities import Member, Unit
from orggraph.domain.errors import OrgGraphError
from orggraph.domain.policy import Policy
from orggraph.domain.service import (
    AssigneeKind,
    Facts,
    ServiceAction,
    ServiceCommand,
    ServiceKind,
    ServiceRequest,
    Stage,
)
from orggraph.domain.service_history import ServiceHistory, replay, service_points
from orggraph.domain.supply import OfferKind, ServiceOffer, as_of, withdraw
from orggraph.ledger.model import Ledger
from orggraph.ledger.values import LEDGER_ZONE

A = ServiceAction


@dataclass(frozen=True)
class ServiceRates:
    """How many requests a year and how they go; the defaults and why:

    - `per_household` 0.3: about one household in three asks for something in a year. A cadre
      covering 10-15 households then serves three or four requests a year, about one a
      quarter, which keeps the service points (2-3 each) a share of the yearly 20, not all.
    - `mix` wish 60%, complaint 30%, dream 10%: 微心愿 (a repair, an errand) are the bulk of
      what campaigns collect; 微诉求 (noise, parking) fewer; 微梦想 (schooling, a job) rare.
    - `late_share` 10%: one wait in ten runs past its policy limit (the gap reports need some).
    - `decline_share` 6%, `reopen_share` 4%, `cancel_share` 3%, `stall_share` 2%: the
      document's loop mostly closes; these keep every state and path in the data.
    - `offer_cadre_share` 8%: the supply list is what cadres volunteer beyond their households
      (a trade, legal or medical advice, tutoring); about one serving cadre in twelve, so a
      community of 100-200 cadres lists a dozen skills, a list an organiser can read.
    - `offer_work_unit_share` 50%: a work unit's party organisation offers what it has (a hall,
      a van, a fund) when it pairs with communities (结对共建); about half of them list one.
    - `offer_withdraw_share` 10%: a few offers end during the year (the cadre moves, the hall
      is refitted); `season_share` 20%: a few run for the summer only (a holiday class).
    - `match_share` 50%: half the dispatches to a cadre or work unit with a fitting open offer
      name it; the rest go to the cadre for what they cover, offer or not.
    """

    per_household: float = 0.3
    mix: tuple[tuple[ServiceKind, float], ...] = (
        (ServiceKind.WISH, 0.6),
        (ServiceKind.COMPLAINT, 0.3),
        (ServiceKind.DREAM, 0.1),
    )
    late_share: float = 0.1
    decline_share: float = 0.06
    reopen_share: float = 0.04
    cancel_share: float = 0.03
    stall_share: float = 0.02
    offer_cadre_share: float = 0.08
    offer_work_unit_share: float = 0.5
    offer_withdraw_share: float = 0.1
    season_share: float = 0.2
    match_share: float = 0.5
    until: date | None = None
    """The day open requests stand as of (the end of it); None: the profile year's end. A
    day in the year cuts the year short there; a later day moves the open requests forward
    to it, and finished ones stay in the year (see the module's notes)."""

    def __post_init__(self) -> None:
        if self.per_household < 0:
            raise ValueError("requests per household must be >= 0")
        if (
            not self.mix
            or any(share < 0 for _, share in self.mix)
            or not sum(share for _, share in self.mix)
        ):
            raise ValueError("the mix of kinds needs a positive share")
        for name in (
            "late_share",
            "decline_share",
            "reopen_share",
            "cancel_share",
            "stall_share",
            "offer_cadre_share",
            "offer_work_unit_share",
            "offer_withdraw_share",
            "season_share",
            "match_share",
        ):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be 0..1")


NO_REQUESTS = ServiceRates(per_household=0)

_TEXTS = {
    ServiceKind.WISH: (
        "楼道灯坏了，想请人修一下",
        "想请人帮忙代买常用药",
        "家里水管漏水需要维修",
        "想给独居老人配个助听器",
        "希望有人陪老人去医院复查",
    ),
    ServiceKind.COMPLAINT: (
        "楼下夜间噪音扰民",
        "小区车辆乱停占用消防通道",
        "垃圾清运不及时",
        "电梯经常故障",
        "楼顶漏雨无人处理",
    ),
    ServiceKind.DREAM: (
        "孩子想学书法，希望找到老师",
        "想找一份离家近的工作",
        "希望孩子暑假能参加夏令营",
        "想参加电脑技能培训",
    ),
}
_DECLINE_REASONS = ("时间冲突，请改派", "不在本地，无法办理", "超出本人能力，请改派单位")
_REOPEN_REASONS = ("居民反映问题未解决", "回访不满意，需重新办理")
_CANCEL_REASONS = ("居民已自行解决", "居民撤回需求", "重复登记")
_SKILLS = ("水电维修", "法律咨询", "健康义诊", "课业辅导", "心理疏导", "家电维修", "书法教学")
_RESOURCES = ("会议室借用", "公务车辆接送", "爱心基金", "图书角", "活动场地", "志愿服务队")
_SCHEDULES = ("每周六上午", "工作日晚上", "每月第一个周日", "预约后上门", "")
_WITHDRAW_REASONS = ("工作调动", "场地改造", "资金用完")


class _Town:
    """What the timelines need of the city: units above each household, its cover, cadres."""

    def __init__(self, ledger: Ledger, idle: frozenset[str]) -> None:
        units = {unit.id: unit for unit in ledger.units}
        self.chain: dict[str, tuple[Unit, ...]] = {}
        for unit in ledger.units:
            parent = units.get(unit.parent_id) if unit.parent_id else None
            self.chain[unit.id] = (*self.chain[parent.id], unit) if parent else (unit,)
        self.cover = {a.household_id: a.member_id for a in ledger.assignments}
        self.members: dict[str, Member] = {m.id: m for m in ledger.members}
        self.serving: dict[str, list[str]] = {}
        """Cadres of each work unit who serve (not those drawn short of points)."""
        for member in ledger.members:
            if member.work_unit_id and member.id not in idle:
                self.serving.setdefault(member.work_unit_id, []).append(member.id)
        self.work_units = sorted(self.serving)
        self.idle = idle


def _moment(day: date, rng: random.Random) -> datetime:
    """A working hour of `day` (8:00-18:00, whole minutes), China Standard Time."""
    minutes = rng.randrange(8 * 60, 18 * 60)
    return datetime.combine(day, time(minutes // 60, minutes % 60), LEDGER_ZONE)


class _Timeline:
    """One request's commands, drawn wait by wait until it ends or the year does."""

    def __init__(
        self, rng: random.Random, rates: ServiceRates, policy: Policy, end: datetime
    ) -> None:
        self.rng, self.rates, self.policy, self.end = rng, rates, policy, end
        self.commands: list[ServiceCommand] = []

    def wait(self, kind: ServiceKind, stage: Stage, after: datetime) -> datetime | None:
        """When the next step comes: inside the stage's limit, or past it now and then; None
        once that is past the end of the year."""
        limit = self.policy.limits()[kind].days(stage)
        rng = self.rng
        days = (
            limit * rng.uniform(1.2, 3.0) + 1
            if rng.random() < self.rates.late_share
            else limit * rng.uniform(0.05, 0.9)
        )
        moment = after + timedelta(minutes=round(days * 24 * 60) + rng.randrange(10, 240))
        return moment if moment <= self.end else None

    def add(self, rid: str, action: ServiceAction, at: datetime, by: str, **fields: str) -> None:
        points = int(fields.pop("points", "0"))
        self.commands.append(ServiceCommand(rid, action, by, at, points=points, **fields))


def service_year(
    ledger: Ledger,
    year: int,
    rates: ServiceRates,
    seed: int,
    idle: frozenset[str] = frozenset(),
    policy: Policy | None = None,
    offers: Sequence[ServiceOffer] = (),
) -> list[ServiceHistory]:
    """A year of requests of the ledger's households, by id; `idle` cadres take none (the
    generator's cadres short of points earn no rewards, service points included). A share
    of the dispatches is matched to a fitting one of `offers` (`_Matcher`)."""
    policy = policy or Policy()
    rng = random.Random(f"service-{seed}")
    matcher = _Matcher(offers, rates.match_share, seed)
    town = _Town(ledger, idle)
    if not town.work_units or not ledger.households:
        return []
    year_end = date(year, 12, 31)
    until = min(rates.until or year_end, year_end)
    shift = timedelta(days=max(0, ((rates.until or year_end) - year_end).days))
    end = datetime.combine(until, time(23, 59), LEDGER_ZONE)
    start = date(year, 1, 1)
    span = max(1, (until - start).days)
    kinds = [kind for kind, _ in rates.mix]
    weights = [share for _, share in rates.mix]
    count = round(rates.per_household * len(ledger.households))
    households = sorted(rng.choices(range(len(ledger.households)), k=count))
    histories = []
    for n, index in enumerate(households, 1):
        household = ledger.households[index]
        kind = rng.choices(kinds, weights)[0]
        at = _moment(start + timedelta(days=rng.randrange(span)), rng)
        rid = f"R{year}-{n:06d}"
        community = town.chain[household.parent_id][1].id
        request = ServiceRequest(
            rid,
            household.id,
            kind,
            rng.choice(_TEXTS[kind]),
            f"organiser@{community}",
            at,
        )
        timeline = _Timeline(rng, rates, policy, end)
        _walk(timeline, town, request, household.parent_id)
        facts = _facts(town, household.parent_id, matcher.offers)
        commands = timeline.commands
        history = replay(request, commands, facts)
        if shift and history.request.state.is_open:
            request = replace(request, recorded_at=request.recorded_at + shift)
            commands = [replace(c, at=c.at + shift) for c in commands]
            history = replay(request, commands, facts)
        matched = matcher.match(commands, facts.units)
        if matched != commands:
            history = replay(request, matched, facts)
        histories.append(history)
    return histories


class _Matcher:
    """Which dispatches name an offer: of the assignee's offers that fit the dispatch (open
    that day, serving the household's place), one, for `share` of the dispatches that have
    one; drawn from a generator of its own, so the requests' own draws stay as they were."""

    def __init__(self, offers: Sequence[ServiceOffer], share: float, seed: int) -> None:
        self.offers = {offer.id: offer for offer in offers}
        self.by_offerer: dict[str, list[ServiceOffer]] = {}
        for offer in offers:
            self.by_offerer.setdefault(offer.offered_by, []).append(offer)
        self.share = share
        self.rng = random.Random(f"matches-{seed}")

    def match(
        self, commands: list[ServiceCommand], units: tuple[Unit, ...]
    ) -> list[ServiceCommand]:
        places = [unit.id for unit in units]
        matched = []
        for command in commands:
            if command.action is A.DISPATCH and command.assignee_id in self.by_offerer:
                fitting = [
                    o.id for o in self.by_offerer[command.assignee_id] if _fits(o, command, places)
                ]
                if fitting and self.rng.random() < self.share:
                    command = replace(command, offer_id=self.rng.choice(fitting))
            matched.append(command)
        return matched


def _fits(offer: ServiceOffer, command: ServiceCommand, places: list[str]) -> bool:
    """Whether a dispatch could use the offer as it stood then (the domain's own checks)."""
    try:
        then = as_of(offer, command.at, command.request_id)
        then.check_match(
            command.request_id, command.assignee_id, offer.offered_by_kind, places, command.at
        )
    except OrgGraphError:
        return False
    return True


def offer_year(
    ledger: Ledger, year: int, rates: ServiceRates, seed: int, idle: frozenset[str] = frozenset()
) -> list[ServiceOffer]:
    """The supply list of the year, by id: offers of serving cadres (a skill, for their
    community or the city) and of work units (a resource, for the city or a street), recorded
    in its first fortnight, some for the summer only, some withdrawn later in the year."""
    rng = random.Random(f"offers-{seed}")
    streets = [unit.id for unit in ledger.units if unit.parent_id is None]
    start = date(year, 1, 1)
    offers: list[ServiceOffer] = []

    def add(by: str, kind: AssigneeKind, what: OfferKind, text: str, serves: str | None) -> None:
        at = _moment(start + timedelta(days=rng.randrange(14)), rng)
        season = rng.random() < rates.season_share
        offer = ServiceOffer(
            f"SO{year}-{len(offers) + 1:05d}",
            by,
            kind,
            what,
            text,
            f"organiser@{serves or streets[0]}",
            at,
            serves,
            date(year, 7, 1) if season else None,
            date(year, 8, 31) if season else None,
            rng.choice(_SCHEDULES),
        )
        if rng.random() < rates.offer_withdraw_share:
            gone = _moment(start + timedelta(days=rng.randrange(30, 360)), rng)
            offer = withdraw(offer, offer.recorded_by, gone, rng.choice(_WITHDRAW_REASONS))
        offers.append(offer)

    for member in ledger.members:
        if member.id in idle or rng.random() >= rates.offer_cadre_share:
            continue
        serves = member.community_id if rng.random() < 0.7 else None
        add(member.id, AssigneeKind.MEMBER, OfferKind.SKILL, rng.choice(_SKILLS), serves)
    for work_unit in ledger.work_units:
        if rng.random() >= rates.offer_work_unit_share:
            continue
        serves = rng.choice(streets) if streets and rng.random() < 0.4 else None
        add(
            work_unit.id, AssigneeKind.WORK_UNIT, OfferKind.RESOURCE, rng.choice(_RESOURCES), serves
        )
    return offers


def _facts(town: _Town, building_id: str, offers: Mapping[str, ServiceOffer]) -> _FactsFor:
    return _FactsFor(town, town.chain[building_id], offers)


class _FactsFor:
    """What `advance` needs for one household's commands, from the town and the offers."""

    def __init__(
        self, town: _Town, units: tuple[Unit, ...], offers: Mapping[str, ServiceOffer]
    ) -> None:
        self.town, self.units, self.offers = town, units, offers

    def __call__(self, command: ServiceCommand) -> Facts:
        kind = None
        if command.assignee_id is not None:
            kind = (
                AssigneeKind.MEMBER
                if command.assignee_id.startswith("M")
                else (AssigneeKind.WORK_UNIT)
            )
        member = self.town.members.get(command.member_id or "")
        offer = self.offers.get(command.offer_id) if command.offer_id else None
        if offer is not None:
            offer = as_of(offer, command.at, command.request_id)
        return Facts(self.units, kind, member.work_unit_id if member else None, offer)


def _taker(
    town: _Town, rng: random.Random, household_id: str, avoid: str | None
) -> tuple[str, str]:
    """Whom a dispatch goes to and which cadre does it: the household's own cadre when they
    serve, else a work unit and one of its serving cadres."""
    own = town.cover.get(household_id)
    if own is not None and own not in town.idle and own != avoid:
        return own, own
    work_unit = rng.choice(town.work_units)
    cadres = [m for m in town.serving[work_unit] if m != avoid] or town.serving[work_unit]
    return work_unit, rng.choice(cadres)


def _walk(t: _Timeline, town: _Town, request: ServiceRequest, building_id: str) -> None:
    """Draw the request's commands into `t`, stage by stage, until it ends or time runs out."""
    rng, rates, rid, kind = t.rng, t.rates, request.id, request.kind
    units = town.chain[building_id]
    community = units[1].id
    at: datetime | None = request.recorded_at
    avoid: str | None = None
    stall = rng.random() < rates.stall_share
    cancel = rng.random() < rates.cancel_share
    reopened = False
    while True:
        assert at is not None
        at = t.wait(kind, Stage.DISPATCH, at)
        if at is None or (stall and rng.random() < 0.3):
            return
        if cancel and rng.random() < 0.5:
            t.add(rid, A.CANCEL, at, f"organiser@{community}", reason=rng.choice(_CANCEL_REASONS))
            return
        dispatcher = units[-1] if rng.random() < 0.7 else units[-2]
        assignee, cadre = _taker(town, rng, request.household_id, avoid)
        t.add(
            rid,
            A.DISPATCH,
            at,
            f"organiser@{dispatcher.id}",
            unit_id=dispatcher.id,
            assignee_id=assignee,
        )
        at = t.wait(kind, Stage.ACCEPT, at)
        if at is None or (stall and rng.random() < 0.5):
            return
        if rng.random() < rates.decline_share:
            t.add(rid, A.DECLINE, at, cadre, member_id=cadre, reason=rng.choice(_DECLINE_REASONS))
            avoid = cadre
            continue
        t.add(rid, A.ACCEPT, at, cadre, member_id=cadre)
        at = t.wait(kind, Stage.DONE, at)
        if at is None or stall:
            return
        if cancel:
            t.add(rid, A.CANCEL, at, f"organiser@{community}", reason=rng.choice(_CANCEL_REASONS))
            return
        t.add(rid, A.COMPLETE, at, cadre, member_id=cadre)
        at = t.wait(kind, Stage.VERIFY, at)
        if at is None:
            return
        if not reopened and rng.random() < rates.reopen_share:
            reopened = True
            t.add(
                rid,
                A.REOPEN,
                at,
                f"organiser@{community}",
                unit_id=community,
                reason=rng.choice(_REOPEN_REASONS),
            )
            continue
        points = str(t.policy.points_for(kind))
        t.add(rid, A.VERIFY, at, f"organiser@{community}", unit_id=community, points=points)
        return


def add_service_year(
    ledger: Ledger, year: int, rates: ServiceRates, seed: int, idle: Sequence[str] = ()
) -> None:
    """Put a year of offers and requests into `ledger`, with the points entries their
    verifications award (as an export of a store that ran them would hold)."""
    ledger.offers = offer_year(ledger, year, rates, seed, frozenset(idle))
    ledger.service = service_year(ledger, year, rates, seed, frozenset(idle), offers=ledger.offers)
    ledger.points += service_points(ledger.service)
