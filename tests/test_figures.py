import datetime as dt
import json

import pytest
from django.core.management import call_command

from duikou.core import services
from duikou.reports import figures

pytestmark = pytest.mark.django_db


def test_pairings_are_counted_by_kind_in_the_years_they_overlap(reg):
    services.pairing_end(actor=None, pairing=reg.wulan_pairing, end_date=dt.date(2023, 12, 31))
    assert figures.pairings(2023)["by_kind"] == {"医院-科室": 3}
    assert figures.pairings(2024)["by_kind"] == {"医院-科室": 2}
    assert figures.pairings(2022)["by_kind"] == {}
    assert figures.pairings(2022)["count"] == 0


def test_a_pairing_ending_on_new_years_day_counts_in_that_year(reg):
    services.pairing_end(actor=None, pairing=reg.wulan_pairing, end_date=dt.date(2024, 1, 1))
    assert figures.pairings(2024)["count"] == 3


def test_figures_respect_the_users_scope(reg):
    assert figures.compute(2023, user=reg.dulan_team)["pairings"]["by_kind"] == {"医院-科室": 1}
    assert figures.compute(2023, user=reg.hq)["pairings"]["by_kind"] == {"医院-科室": 3}
    assert figures.compute(2023, user=reg.dulan_team)["pairings"]["by_division"] == {"都兰": 1}


def test_kinds_come_in_vocabulary_order(reg):
    school_zj = services.organisation_create(
        actor=None, name="嘉兴某中专", kind="学校", side="支援方", division=reg.jiaxing
    )
    school_hx = services.organisation_create(
        actor=None, name="都兰县职校", kind="学校", side="受援方", division=reg.dulan
    )
    services.pairing_create(
        actor=None,
        kind="学校-学校",
        zhejiang_org=school_zj,
        haixi_org=school_hx,
        start_date=dt.date(2023, 9, 1),
    )
    assert list(figures.pairings(2023)["by_kind"]) == ["医院-科室", "学校-学校"]


def test_the_figures_command_prints_the_contract_json(reg, capsys):
    call_command("figures", "--year", "2023")
    data = json.loads(capsys.readouterr().out)
    assert data["year"] == 2023
    assert data["pairings"]["by_kind"] == {"医院-科室": 3}
    # Every ledger is built now: an empty platform gives zeros, never faked figures.
    assert data["events"] == {"count": 0, "by_kind": {}, "participants": {"海西": 0, "浙江": 0}}
    assert data["offsite_classes"] == {"count": 0, "students": 0, "majors": []}
    assert data["indicators"] == {}
    assert data["sales"]["sold"] == "0.00" and data["sales"]["by_channel_kind"] == {}
    assert data["outlets"] == {}
    assert data["deals"] == {
        "signed_count": 0,
        "signed": "0.00",
        "by_stage": {},
        "by_county": {},
        "by_industry": {},
    }


def test_the_figures_command_refuses_a_silly_year(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("figures", "--year", "1066")
