"""From records to a planning instance: travel, windows, availability, unserved reasons."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from duikou.orders import planning_data as pd
from duikou.orders.models import Demand, DemandStatus, Visit, VisitStatus
from duikou.planning.instance import parse_instance
from duikou.planning.solver import Planner
from duikou.planning.validator import check
from tests.test_orders_runs_common import PE, PS, day, demand, expert
from tests.test_people_common import field_key  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("field_key")

NODES = ["HZ", "XN", "DLH", "GEM", "MY", "WL", "DL", "TJ", "DCD", "LH"]


def test_travel_is_symmetric_with_zero_diagonal():
    for a, b in itertools.product(NODES, NODES):
        assert pd.travel_days(a, b) == pd.travel_days(b, a)
        assert pd.travel_days(a, b) >= 0
        assert (pd.travel_days(a, b) == 0) == (a == b)


def test_road_days_use_450_km_per_day():
    assert pd.KM_PER_DAY == 450
    assert pd.travel_days("DL", "WL") == 1  # 115 km
    assert pd.travel_days("GEM", "MY") == 2  # 515 km
    assert pd.travel_days("DL", "MY") == 2  # 870 km
    assert pd.travel_days("WL", "MY") == 2  # 800 km


def test_hangzhou_flies_to_the_nearest_airport_then_drives():
    # one day of flight to 德令哈 / 格尔木 / 花土沟 (0 km further)
    assert pd.travel_days("HZ", "DLH") == 1
    assert pd.travel_days("GEM", "HZ") == 1
    assert pd.travel_days("HZ", "MY") == 1
    # 都兰: nearest airport 德令哈 (240 km) -> 1 + 1; 乌兰 (125 km from 德令哈) -> 1 + 1
    assert pd.travel_days("HZ", "DL") == 2
    assert pd.travel_days("HZ", "WL") == 2
    # 冷湖: 花土沟 240 km -> 1 + 1
    assert pd.travel_days("HZ", "LH") == 2


def test_division_nodes(reg):
    assert pd.division_node(reg.haixi) == "DLH"  # 海西州: the prefecture seat
    assert pd.division_node(reg.dulan) == "DL"
    assert pd.division_node(reg.wulan) == "WL"
    assert pd.division_node(reg.hangzhou) == "HZ"
    assert pd.division_node(reg.jiaxing) == "HZ"


@pytest.fixture
def records(reg):
    """Three experts, five demands in 2026 Q2, one booked visit."""
    a = expert(
        reg,
        "甲医生",
        "神经内科",
        [
            (dt.date(2026, 3, 20), dt.date(2026, 4, 10)),  # clipped to day 0
            (dt.date(2026, 4, 11), dt.date(2026, 4, 20)),  # touching: merged
            (dt.date(2026, 6, 25), dt.date(2026, 7, 10)),  # clipped to the period end
        ],
    )
    b = expert(
        reg,
        "乙医生",
        "神经内科",
        [(dt.date(2026, 5, 1), dt.date(2026, 5, 31))],
        resident_at=reg.wulan_hospital,
    )
    c = expert(
        reg,
        "丙医生",
        "心血管内科",
        [(dt.date(2026, 6, 1), dt.date(2026, 6, 20))],
        resident_at=reg.wulan_hospital,
        kind="柔性帮扶",
    )
    outside = expert(reg, "丁医生", "神经内科", [(dt.date(2026, 8, 1), dt.date(2026, 8, 9))])
    h = reg.dulan_hospital
    d1 = demand(
        h,
        "神经内科",
        5,
        dt.date(2026, 3, 25),
        dt.date(2026, 4, 15),
        priority=7,
        preferred=[a, outside],
    )
    d2 = demand(h, "神经内科", 5, dt.date(2026, 6, 28), dt.date(2026, 7, 20))  # 3 days in Q2
    d4 = demand(h, "眼科", 3, PS, PE)
    d5 = demand(reg.prefecture_hospital, "心血管内科", 4, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    booked = demand(h, "神经内科", 3, dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    booked.status = DemandStatus.SCHEDULED
    booked.save()
    Visit.objects.create(
        demand=booked, expert=b, start_date=dt.date(2026, 5, 10), end_date=dt.date(2026, 5, 12)
    )
    open_but_visited = demand(h, "神经内科", 2, PS, PE)
    Visit.objects.create(
        demand=open_but_visited, expert=a, start_date=dt.date(2026, 8, 1), end_date=day(130)
    )
    return dict(
        a=a,
        b=b,
        c=c,
        outside=outside,
        d1=d1,
        d2=d2,
        d4=d4,
        d5=d5,
        booked=booked,
        open_but_visited=open_but_visited,
    )


def build(**kw):
    return pd.build_instance(PS, PE, max_days=kw.pop("max_days", 20), name="t", **kw)


def test_instance_ids_days_and_homes(reg, records):
    r = records
    inst = build()
    parse_instance(inst)
    assert inst["horizon"] == 91
    experts = {e["id"]: e for e in inst["experts"]}
    ea, eb, ec = f"E{r['a'].pk}", f"E{r['b'].pk}", f"E{r['c'].pk}"
    assert set(experts) == {ea, eb, ec}  # 丁 declared only August
    # 甲: clipped at day 0, touching windows merged, clipped at the end (half-open)
    assert experts[ea]["available"] == [[0, 20], [85, 91]]
    assert experts[ea]["home"] == "HZ"  # no posting: from Zhejiang
    assert experts[ea]["skills"] == ["神经内科"] and experts[ea]["max_days"] == 20
    # 乙: resident at 乌兰; the booked visit May 10-12 at 都兰 (1 day away) takes days
    # 39..41 and one travel day either side out of [30, 61)
    assert experts[eb]["home"] == f"O{reg.wulan_hospital.pk}"
    assert experts[eb]["available"] == [[30, 38], [43, 61]]
    # 丙: a 柔性帮扶 posting: home is 杭州
    assert experts[ec]["home"] == "HZ"
    demands = {d["id"]: d for d in inst["demands"]}
    d1 = demands[f"D{r['d1'].pk}"]
    assert d1["window"] == [0, 15]  # 3-25..4-15 clipped to 4-01
    assert d1["weight"] == 7 and d1["duration"] == 5
    assert d1["preferred"] == [ea]  # 丁 is not in the instance
    assert d1["site"] == f"O{reg.dulan_hospital.pk}"
    assert f"D{r['d2'].pk}" not in demands  # 3 days left in the period, 5 needed
    assert [x["id"] for x in inst["excluded"]] == [f"D{r['d2'].pk}"]
    assert f"D{r['booked'].pk}" not in demands  # already 已安排
    assert f"D{r['open_but_visited'].pk}" not in demands  # has a live visit
    # sites and travel
    sites = {s["id"]: s for s in inst["sites"]}
    assert sites["HZ"]["name"] == "杭州"
    assert sites[f"O{reg.dulan_hospital.pk}"]["county"] == "632822"
    dl, wl, pref = (
        f"O{o.pk}" for o in (reg.dulan_hospital, reg.wulan_hospital, reg.prefecture_hospital)
    )
    t = inst["travel"]
    assert t[dl][wl] == t[wl][dl] == 1
    assert t["HZ"][dl] == 2 and t["HZ"][pref] == 1 and t[pref][pref] == 0


def test_cancelled_visit_frees_the_days(reg, records):
    Visit.objects.filter(expert=records["b"]).update(status=VisitStatus.CANCELLED)
    inst = build()
    eb = next(e for e in inst["experts"] if e["id"] == f"E{records['b'].pk}")
    assert eb["available"] == [[30, 61]]


def test_planner_plan_on_the_built_instance_validates(reg, records):
    inst_raw = build()
    inst = parse_instance(inst_raw)
    planner = Planner(inst, 1.0, workers=1, seed=1)
    planner.run()
    best = planner.best()
    plan = {"assignments": best.assignments(inst)}
    res = check(inst, plan)
    assert res.valid
    served = {r["demand"] for r in plan["assignments"]}
    assert f"D{records['d1'].pk}" in served
    reasons = pd.unserved_reasons(inst_raw, plan)
    assert reasons[f"D{records['d4'].pk}"] == "无此专业的专家"
    assert reasons[f"D{records['d5'].pk}"] == "专家在需求窗口内无空档"
    assert reasons[f"D{records['d2'].pk}"].startswith("需求时间窗口在本期内不足所需天数")
    assert f"D{records['d1'].pk}" not in reasons


def test_unserved_reason_capacity(reg, records):
    inst_raw = build()
    reasons = pd.unserved_reasons(inst_raw, {"assignments": []})
    assert reasons[f"D{records['d1'].pk}"] == "专家服务天数或时间已被其他需求占用"


def test_budget_smaller_than_duration_means_no_slot(reg, records):
    inst_raw = build(max_days=4)
    reasons = pd.unserved_reasons(inst_raw, {"assignments": []})
    assert reasons[f"D{records['d1'].pk}"] == "专家在需求窗口内无空档"


def test_travel_counts_in_the_availability(reg):
    # 甲 flies from 杭州 to 都兰 (2 days): available days 0..6 leave no slot for 5 days
    # (2 + 5 + 2 > 7); 8 days would still not fit, 9 do.
    expert(reg, "甲医生", "神经内科", [(day(0), day(6))])
    d = demand(reg.dulan_hospital, "神经内科", 5, PS, PE)
    reasons = pd.unserved_reasons(build(), {"assignments": []})
    assert reasons[f"D{d.pk}"] == "专家在需求窗口内无空档"
    Demand.objects.filter(pk=d.pk).update(days=3)
    reasons = pd.unserved_reasons(build(), {"assignments": []})
    assert reasons[f"D{d.pk}"] == "专家服务天数或时间已被其他需求占用"


def test_a_specialty_serves_the_demand_skill_it_stands_for(reg):
    from duikou.orders import skills

    assert skills.canonical("重症医学科") == "重症医学科 (ICU)"
    assert skills.canonical("英语") == "英语 (外语)"
    assert skills.canonical("信息技术") == "信息科技 / 信息技术"
    assert skills.canonical("神经内科") == "神经内科"
    assert skills.canonical("校长") is None
    icu = expert(reg, "乙医生", "重症医学科", [(day(0), day(30))])
    head = expert(reg, "丙校长", "校长", [(day(0), day(30))])
    d = demand(reg.dulan_hospital, "重症医学科 (ICU)", 3, PS, PE)
    inst = build()
    experts = {e["id"]: e for e in inst["experts"]}
    assert experts[f"E{icu.pk}"]["skills"] == ["重症医学科 (ICU)"]
    assert experts[f"E{head.pk}"]["skills"] == ["校长"]  # kept as written, matches no demand
    reasons = pd.unserved_reasons(inst, {"assignments": []})
    assert reasons[f"D{d.pk}"] != "无此专业的专家"


def test_count_period(reg, records):
    demands, experts = pd.count_period(PS, PE)
    # d1, d2, d4, d5 are open in the period (booked is 已安排, open_but_visited has a visit)
    assert demands == 4
    assert experts == 3
