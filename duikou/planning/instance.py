"""Reading a visit-planning instance (design/visit-planning.md) into an indexed form.

`parse_instance` checks the whole JSON contract and raises `MalformedError` with a one-line
message naming the offending key, id or value; nothing else in the package re-checks it.
Sites, experts and demands are numbered in file order; the planner works on the numbers and
only the plan writer turns them back into ids.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class MalformedError(ValueError):
    """The instance or the plan does not follow the JSON contract."""


@dataclass(frozen=True, slots=True)
class Expert:
    index: int
    id: str
    skills: frozenset[str]
    home: int  # site index
    available: tuple[tuple[int, int], ...]  # half-open [a, b), sorted, disjoint
    max_days: int


@dataclass(frozen=True, slots=True)
class Demand:
    index: int
    id: str
    site: int  # site index
    skill: str
    duration: int
    window: tuple[int, int]  # earliest start, latest end
    weight: int
    preferred: frozenset[int]  # expert indices


@dataclass(slots=True)
class Instance:
    name: str
    horizon: int
    site_ids: list[str]
    travel: list[list[int]]  # travel[site][site] in days, by site index
    experts: list[Expert]
    demands: list[Demand]
    expert_by_id: dict[str, int] = field(default_factory=dict)
    demand_by_id: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Structural checks
# --------------------------------------------------------------------------------------------


def _is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _get(obj: object, key: str, where: str) -> Any:
    if not isinstance(obj, dict):
        raise MalformedError(f"{where}: expected an object, got {type(obj).__name__}")
    if key not in obj:
        raise MalformedError(f"{where}: missing key '{key}'")
    return obj[key]


def _get_int(
    obj: object, key: str, where: str, lo: int | None = None, hi: int | None = None
) -> int:
    v = _get(obj, key, where)
    if not _is_int(v):
        raise MalformedError(f"{where}: '{key}' must be an integer, got {v!r}")
    if lo is not None and v < lo:
        raise MalformedError(f"{where}: '{key}'={v} is below {lo}")
    if hi is not None and v > hi:
        raise MalformedError(f"{where}: '{key}'={v} is above {hi}")
    return int(v)


def _get_str(obj: object, key: str, where: str) -> str:
    v = _get(obj, key, where)
    if not isinstance(v, str):
        raise MalformedError(f"{where}: '{key}' must be a string, got {v!r}")
    return v


def _days(x: object, horizon: int, where: str) -> tuple[int, int]:
    if not (isinstance(x, list) and len(x) == 2 and _is_int(x[0]) and _is_int(x[1])):
        raise MalformedError(f"{where}: expected [a, b] with two integers, got {x!r}")
    a, b = int(x[0]), int(x[1])
    if not 0 <= a < b <= horizon:
        raise MalformedError(f"{where}: [{a}, {b}] must satisfy 0 <= a < b <= horizon={horizon}")
    return a, b


def parse_instance(raw: object) -> Instance:
    """Check an instance decoded from JSON and index it; raise MalformedError if unusable."""
    if not isinstance(raw, dict):
        raise MalformedError(f"instance: expected an object, got {type(raw).__name__}")
    horizon = _get_int(raw, "horizon", "instance", lo=1)
    name = raw.get("name", "")
    name = name if isinstance(name, str) else str(name)

    sites = _get(raw, "sites", "instance")
    if not isinstance(sites, list) or not sites:
        raise MalformedError("instance: 'sites' must be a non-empty list")
    site_ids: list[str] = []
    site_index: dict[str, int] = {}
    for i, s in enumerate(sites):
        sid = _get_str(s, "id", f"sites[{i}]")
        if sid in site_index:
            raise MalformedError(f"sites[{i}]: duplicate site id {sid!r}")
        site_index[sid] = len(site_ids)
        site_ids.append(sid)

    raw_travel = _get(raw, "travel", "instance")
    if not isinstance(raw_travel, dict):
        raise MalformedError("instance: 'travel' must be an object")
    for key in raw_travel:
        if key not in site_index:
            raise MalformedError(f"travel: unknown site id {key!r}")
    travel: list[list[int]] = []
    for a in site_ids:
        row = raw_travel.get(a)
        if not isinstance(row, dict):
            raise MalformedError(f"travel: no row for site {a!r}")
        out: list[int] = []
        for b in site_ids:
            if b not in row:
                raise MalformedError(f"travel[{a!r}]: missing entry for site {b!r}")
            t = row[b]
            if not _is_int(t) or t < 0:
                raise MalformedError(f"travel[{a!r}][{b!r}]={t!r} must be an integer >= 0")
            out.append(int(t))
        travel.append(out)
    for i, a in enumerate(site_ids):
        if travel[i][i] != 0:
            raise MalformedError(f"travel[{a!r}][{a!r}]={travel[i][i]} must be 0")
        for j, b in enumerate(site_ids):
            if travel[i][j] != travel[j][i]:
                raise MalformedError(
                    f"travel is not symmetric: travel[{a!r}][{b!r}]={travel[i][j]}"
                    f" but travel[{b!r}][{a!r}]={travel[j][i]}"
                )

    raw_experts = _get(raw, "experts", "instance")
    if not isinstance(raw_experts, list):
        raise MalformedError("instance: 'experts' must be a list")
    experts: list[Expert] = []
    expert_by_id: dict[str, int] = {}
    for i, e in enumerate(raw_experts):
        eid = _get_str(e, "id", f"experts[{i}]")
        where = f"expert {eid}"
        if eid in expert_by_id:
            raise MalformedError(f"{where}: duplicate expert id")
        skills = _get(e, "skills", where)
        if not isinstance(skills, list) or not all(isinstance(s, str) for s in skills):
            raise MalformedError(f"{where}: 'skills' must be a list of strings")
        home = _get(e, "home", where)
        if not isinstance(home, str) or home not in site_index:
            raise MalformedError(f"{where}: unknown home site {home!r}")
        max_days = _get_int(e, "max_days", where, lo=0)
        avail = _get(e, "available", where)
        if not isinstance(avail, list):
            raise MalformedError(f"{where}: 'available' must be a list of [a, b]")
        windows: list[tuple[int, int]] = []
        for k, iv in enumerate(avail):
            lo, hi = _days(iv, horizon, f"{where}: available[{k}]")
            if windows and lo < windows[-1][1]:
                raise MalformedError(
                    f"{where}: availability intervals must be sorted and disjoint"
                    f" ({list(windows[-1])} then {[lo, hi]})"
                )
            windows.append((lo, hi))
        expert_by_id[eid] = len(experts)
        experts.append(
            Expert(len(experts), eid, frozenset(skills), site_index[home], tuple(windows), max_days)
        )

    raw_demands = _get(raw, "demands", "instance")
    if not isinstance(raw_demands, list):
        raise MalformedError("instance: 'demands' must be a list")
    demands: list[Demand] = []
    demand_by_id: dict[str, int] = {}
    for i, d in enumerate(raw_demands):
        did = _get_str(d, "id", f"demands[{i}]")
        where = f"demand {did}"
        if did in demand_by_id:
            raise MalformedError(f"{where}: duplicate demand id")
        site = _get(d, "site", where)
        if not isinstance(site, str) or site not in site_index:
            raise MalformedError(f"{where}: unknown site {site!r}")
        skill = _get_str(d, "skill", where)
        duration = _get_int(d, "duration", where, lo=1)
        weight = _get_int(d, "weight", where, lo=1, hi=10)
        window = _days(_get(d, "window", where), horizon, f"{where}: window")
        pref = d.get("preferred", [])
        if not isinstance(pref, list):
            raise MalformedError(f"{where}: 'preferred' must be a list of expert ids")
        preferred: set[int] = set()
        for p in pref:
            if not isinstance(p, str) or p not in expert_by_id:
                raise MalformedError(f"{where}: unknown preferred expert {p!r}")
            preferred.add(expert_by_id[p])
        demand_by_id[did] = len(demands)
        demands.append(
            Demand(
                len(demands),
                did,
                site_index[site],
                skill,
                duration,
                window,
                weight,
                frozenset(preferred),
            )
        )

    return Instance(
        name=name,
        horizon=horizon,
        site_ids=site_ids,
        travel=travel,
        experts=experts,
        demands=demands,
        expert_by_id=expert_by_id,
        demand_by_id=demand_by_id,
    )


def read_json(path: str | Path, what: str) -> object:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise MalformedError(f"cannot read {what} {path}: {reason}") from exc


def load_instance(path: str | Path) -> Instance:
    """Read and check an instance file; raise MalformedError if it is not usable."""
    return parse_instance(read_json(path, "instance"))
