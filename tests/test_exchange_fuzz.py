"""Generated rows (random strings, numbers, dates, blanks in every column) never crash the
importer, and a workbook with any error leaves every table exactly as it was."""

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_exchange_support import (
    FLOW_HEADER,
    PAIRING_HEADER,
    PROJECT_HEADER,
    exchange_settings,  # noqa: F401
    make_book,
    run,
    table_counts,
)

pytestmark = pytest.mark.django_db

text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff"),
    max_size=12,
)
wild = st.one_of(
    st.none(),
    text,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 12, 31)),
    st.booleans(),
)
codes = st.sampled_from(["ZJHX-2023-001", "zjhx-2023-002 ", "ＺＪＨＸ-2023-003", "X"])
amounts = st.one_of(
    st.integers(0, 5000), st.sampled_from(["1,200.5", "０.０１", "-1", "0", "1e3", "12.3456789"])
)
days = st.one_of(
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2024, 12, 31)),
    st.sampled_from(["2023-02-30", "2023/6/1", "2023年6月1日", "20230601", "2030-01-01"]),
)
PLAUSIBLE = {
    "项目编号*": codes,
    "项目名称*": text,
    "年度*": st.sampled_from([2023, "2023", "２０２２", 1999]),
    "类别*": st.sampled_from(["医疗卫生", "教育", "水利", "其他"]),
    "所在地*": st.sampled_from(["都兰县", "乌兰", "632822", "海西州", "宁波市"]),
    "实施单位": st.sampled_from(["都兰县人民医院", "都兰县医院", "某某公司", "乌兰县人民医院"]),
    "结对城市": st.sampled_from(["嘉兴市", "湖州", "330200", "都兰县"]),
    "援助资金(万元)*": amounts,
    "地方配套(万元)": amounts,
    "社会资金(万元)": amounts,
    "状态*": st.sampled_from(["储备", "立项", "在建", "完工", "取消", "进行中"]),
    "计划开工": days,
    "计划完工": days,
    "实际开工": days,
    "实际完工": days,
    "日期*": days,
    "类型*": st.sampled_from(["下达", "拨付", "支出", "报销"]),
    "资金来源*": st.sampled_from(["援助资金", "地方配套", "社会资金"]),
    "金额(万元)*": amounts,
    "凭证号*": st.sampled_from(["V1", "V2", " V1 ", "V3"]),
    "备注": text,
    "结对类型*": st.sampled_from(["医院-科室", "村-村", "其他", "兄弟"]),
    "支援方单位*": st.sampled_from(["浙大一院", "嘉兴市第一医院", "新的浙江单位"]),
    "受援方单位*": st.sampled_from(["都兰县人民医院", "海西州人民医院", "新的海西村"]),
    "受援科室": st.sampled_from([None, "神经内科", "儿科"]),
    "开始日期*": days,
    "结束日期": st.one_of(st.none(), days),
    "协议名称": text,
}


# Values that are valid on their own: rows of these fail only on the workbook as a whole
# (balances, duplicates, scope), so the importer gets to write before it finds the error.
past = st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2023, 12, 31))
VALID = {
    "项目编号*": st.sampled_from(["ZJHX-2023-001", "ZJHX-2023-002", "ZJHX-2023-003"]),
    "项目名称*": st.sampled_from(["急诊楼", "学校食堂", "枸杞基地"]),
    "年度*": st.just(2023),
    "类别*": st.sampled_from(["医疗卫生", "教育", "产业支援"]),
    "所在地*": st.sampled_from(["都兰县", "都兰县", "乌兰县"]),
    "实施单位": st.sampled_from([None, "都兰县人民医院", "都兰县新的合作社"]),
    "结对城市": st.sampled_from([None, "嘉兴市"]),
    "援助资金(万元)*": st.integers(0, 5000),
    "地方配套(万元)": st.one_of(st.none(), st.integers(0, 500)),
    "社会资金(万元)": st.none(),
    "状态*": st.sampled_from(["储备", "立项", "在建", "暂停"]),
    "计划开工": st.one_of(st.none(), st.just(dt.date(2023, 1, 1))),
    "计划完工": st.one_of(st.none(), st.just(dt.date(2023, 12, 31))),
    "实际开工": past,
    "实际完工": st.none(),
    "日期*": past,
    "类型*": st.sampled_from(["下达", "下达", "拨付", "支出"]),
    "资金来源*": st.sampled_from(["援助资金", "地方配套"]),
    "金额(万元)*": st.integers(1, 1000),
    "凭证号*": st.sampled_from(["V1", "V2", "V3", "V4", "V5"]),
    "备注": st.sampled_from(["", "备注"]),
    "结对类型*": st.just("医院-科室"),
    "支援方单位*": st.sampled_from(["浙大一院", "嘉兴市第一医院"]),
    "受援方单位*": st.just("都兰县人民医院"),
    "受援科室": st.sampled_from(["神经内科", "儿科"]),
    "开始日期*": past,
    "结束日期": st.none(),
    "协议名称": st.sampled_from(["", "协议"]),
}


def rows(header, max_size):
    messy = st.tuples(*(st.one_of(PLAUSIBLE[h], wild) for h in header))
    valid = st.tuples(*(VALID[h] for h in header))
    return st.lists(st.one_of(valid, valid, messy), max_size=max_size)


counter = itertools.count()


@pytest.mark.slow
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    projects=rows(PROJECT_HEADER, 4),
    flows=rows(FLOW_HEADER, 5),
    pairings=rows(PAIRING_HEADER, 2),
    as_county_team=st.booleans(),
    dry_run=st.booleans(),
)
def test_generated_rows_never_crash_nor_half_write(
    reg, tmp_path, projects, flows, pairings, as_county_team, dry_run
):
    sheets = {}
    if projects:
        sheets["项目"] = [PROJECT_HEADER, *projects]
    if flows:
        sheets["资金"] = [FLOW_HEADER, *flows]
    if pairings or not sheets:
        sheets["结对"] = [PAIRING_HEADER, *pairings]
    path = make_book(tmp_path / f"fuzz-{next(counter)}.xlsx", sheets)
    before = table_counts()
    result = run(path, reg.dulan_team if as_county_team else reg.hq, dry_run=dry_run)
    after = table_counts()
    if dry_run or not result.ok:
        assert after == before, result.text()
        assert not result.written
    else:
        assert result.written
    for error in result.errors:
        assert error.message and error.sheet in ("", "项目", "资金", "结对")
