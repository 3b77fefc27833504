"""Benchmark: the platform's side of a planning run — records → instance, and confirmation.

    make bench            (or: .venv/bin/python bench/orders_platform.py [--sizes 400x60 2000x200])

For each size (demands x experts) a fresh SQLite database gets Haixi hospitals in every county,
the experts (people with a resident or flexible posting and two availability windows in the
quarter) and the open demands of the quarter; then, in one run:

- `run_create` (inside a web request: builds the instance from the records and freezes it),
- the planner itself (`run_execute`, in the background task, 10 s time limit, one worker),
- `run_confirm` (inside a web request: every assignment becomes a visit, with history),

are timed. The aim: what runs inside a request stays within a few seconds at the sizes the
headquarters plans (a quarter: ≈ 400 demands, 60 experts); the planner's share is set by its
time limit. Setup (creating the records) is not timed. The machine is shared: compare the two
in-request steps with the planner's fixed budget, not seconds across runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COUNTIES = ["632801", "632802", "632803", "632821", "632822", "632823", "632857"]
SKILLS = ["神经内科", "心血管内科", "普通外科", "儿科", "妇产科", "骨科", "数学", "语文", "物理"]
PERIOD = (dt.date(2027, 1, 1), dt.date(2027, 3, 31))


def setup(data_dir: Path) -> None:
    os.environ["DUIKOU_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DUIKOU_TASKS"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duikou.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(n_demands: int, n_experts: int, seed: int = 0) -> None:
    from django.db import transaction

    from duikou.core import services as core
    from duikou.core.models import Division
    from duikou.orders.models import Demand
    from duikou.people import services as people
    from duikou.people.identity import make_id_number

    rng = random.Random(seed)
    ps, pe = PERIOD
    with transaction.atomic():
        divisions = {d.code: d for d in Division.objects.filter(code__in=[*COUNTIES, "330100"])}
        sites = []
        for code in COUNTIES:
            for k in range(3):
                sites.append(
                    core.organisation_create(
                        actor=None,
                        name=f"{divisions[code].name}基准医院{k}",
                        kind="医院" if k < 2 else "学校",
                        side="受援方",
                        division=divisions[code],
                    )
                )
        sender = core.organisation_create(
            actor=None,
            name="浙江基准医院",
            kind="医院",
            side="支援方",
            division=divisions["330100"],
        )
        for i in range(n_experts):
            person = people.person_create(
                actor=None,
                id_number=make_id_number(
                    "330106",
                    dt.date(1970, 1, 1) + dt.timedelta(days=i // 999),
                    f"{i % 999 + 1:03d}",
                ),
                name=f"专家{i:04d}",
                employer=sender,
                specialty=SKILLS[i % len(SKILLS)],
            )
            people.posting_create(
                actor=None,
                person=person,
                kind="专业技术人才" if i % 3 else "柔性帮扶",
                field="医疗",
                sending_org=sender,
                host_org=rng.choice(sites),
                start_date=dt.date(2026, 3, 1),
                end_date=dt.date(2027, 8, 31),
            )
            first = ps + dt.timedelta(days=rng.randrange(0, 30))
            second = first + dt.timedelta(days=rng.randrange(25, 45))
            for start in (first, second):
                end = min(start + dt.timedelta(days=rng.choice([10, 14, 21]) - 1), pe)
                people.availability_create(
                    actor=None, person=person, start_date=start, end_date=end
                )
        demands = []
        for _ in range(n_demands):
            days = rng.choice([2, 3, 4, 5, 5, 7])
            earliest = ps + dt.timedelta(days=rng.randrange(0, 70))
            latest = min(earliest + dt.timedelta(days=rng.randrange(days + 6, days + 40)), pe)
            demands.append(
                Demand(
                    organisation=rng.choice(sites),
                    skill=SKILLS[rng.randrange(len(SKILLS))],
                    service_kind="坐诊",
                    days=days,
                    earliest_start=earliest,
                    latest_end=latest,
                    priority=rng.randint(1, 10),
                )
            )
        Demand.objects.bulk_create(demands)


def measure(n_demands: int, n_experts: int, time_limit: int) -> dict:
    from django.db import connection

    from duikou.core.models import Organisation
    from duikou.orders import runs
    from duikou.orders.models import Demand, PlanningRun, Visit
    from duikou.people.models import Person, Posting

    # the previous size's records go first (the database is the same for every size)
    Visit.objects.all().delete()
    PlanningRun.objects.all().delete()
    Demand.objects.all().delete()
    Posting.objects.all().delete()
    Person.objects.all().delete()
    Organisation.objects.filter(name__contains="基准").delete()
    populate(n_demands, n_experts)
    connection.close()

    t = time.perf_counter()
    run = runs.run_create(
        actor=None,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        time_limit=time_limit,
        max_days=20,
        enqueue=False,
    )
    create_s = time.perf_counter() - t
    t = time.perf_counter()
    run = runs.run_execute(run.pk)
    plan_s = time.perf_counter() - t
    t = time.perf_counter()
    visits = runs.run_confirm(actor=None, run=run)
    confirm_s = time.perf_counter() - t
    return {
        "size": f"{n_demands}x{n_experts}",
        "in_instance": f"{len(run.instance['demands'])}/{len(run.instance['experts'])}",
        "create": create_s,
        "plan": plan_s,
        "served": f"{run.progress_served}/{len(run.instance['demands'])}",
        "confirm": confirm_s,
        "visits": len(visits),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", nargs="*", default=["400x60", "2000x200"])
    ap.add_argument("--time-limit", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="duikou-bench-orders-") as tmp:
        setup(Path(tmp))
        print(
            f"# orders platform bench  load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        rows = [measure(*map(int, s.split("x")), args.time_limit) for s in args.sizes]
    print()
    print(
        "| demands x experts | in instance | run_create (request) | planner (task) "
        "| served | run_confirm (request) | visits |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['size']} | {r['in_instance']} | {r['create']:.2f} s | {r['plan']:.2f} s "
            f"| {r['served']} | {r['confirm']:.2f} s | {r['visits']} |"
        )
    print(f"\n# load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
