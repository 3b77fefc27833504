"""Projects and funds pages: each names the user who must not get in, then what the right one sees.

Projects are created through the services with actor=None (a system load).
"""

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from duikou.projects import services
from duikou.projects.forms import WanField
from duikou.projects.models import FlowEvidence, MoneyFlow, ProgressPhoto, Project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


def png(name="site.png", size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 80)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="voucher.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n", content_type="application/pdf")


def make(reg, code, county=None, status=None, **extra):
    data = dict(
        code=code,
        name="项目" + code,
        year=2023,
        category="教育",
        county=county or reg.dulan,
        aid_amount=Decimal("1000000.00"),
    )
    data.update(extra)
    if status:
        return services.project_create(actor=None, via_import=True, status=status, **data)
    return services.project_create(actor=None, **data)


def record(project, type_, amount, voucher, source="援助资金", date=dt.date(2023, 3, 1)):
    return services.flow_record(
        actor=None,
        project=project,
        date=date,
        type=type_,
        source=source,
        amount=Decimal(amount),
        voucher=voucher,
    )


class World:
    """A building project in 都兰 (by 都兰县人民医院) and one in 乌兰, with money and a photo."""

    def __init__(self, reg):
        start = dt.date(2023, 3, 10)
        self.dulan = make(
            reg,
            "DL-01",
            status="在建",
            actual_start=start,
            implementer=reg.dulan_hospital,
            pairing_city=reg.jiaxing,
            local_amount=Decimal("200000.00"),
        )
        self.wulan = make(
            reg,
            "WL-01",
            county=reg.wulan,
            status="在建",
            actual_start=start,
            implementer=reg.wulan_hospital,
            name="乌兰县骆驼奶加工项目",
        )
        for p in (self.dulan, self.wulan):
            record(p, "下达", "1000000.00", "XD-" + p.code)
            f = record(p, "拨付", "865000.00", "BF-" + p.code)
            services.flow_add_evidence(actor=None, flow=f, file=pdf())
            services.progress_report_create(
                actor=None,
                project=p,
                date=dt.date(2023, 6, 1),
                progress=40,
                text="主体施工",
                photos=[png()],
            )
        self.wulan_evidence = FlowEvidence.objects.get(flow__project=self.wulan)
        self.wulan_photo = ProgressPhoto.objects.get(report__project=self.wulan)
        self.dulan_evidence = FlowEvidence.objects.get(flow__project=self.dulan)
        self.dulan_photo = ProgressPhoto.objects.get(report__project=self.dulan)


@pytest.fixture
def world(reg):
    return World(reg)


def project_urls(p):
    return [
        f"/projects/{p.pk}/",
        f"/projects/{p.pk}/edit/",
        f"/projects/{p.pk}/transition/",
        f"/projects/{p.pk}/flows/",
        f"/projects/{p.pk}/reports/",
    ]


# Who gets in --------------------------------------------------------------------------------


def test_pages_need_a_sign_in(client, world):
    p = world.dulan
    urls = [
        "/projects/",
        "/projects/alerts/",
        "/projects/funds/",
        f"/projects/files/photo/{world.dulan_photo.pk}/",
        *project_urls(p),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


def test_the_dulan_team_gets_404_for_a_wulan_project_on_every_url(client_for, reg, world):
    client = client_for(reg.dulan_team)
    p = world.wulan
    for url in project_urls(p):
        assert client.get(url).status_code == 404, url
    posts = {
        f"/projects/{p.pk}/edit/": {"code": "WL-01", "name": "改名", "version": 1},
        f"/projects/{p.pk}/transition/": {"to_status": "暂停", "comment": "停"},
        f"/projects/{p.pk}/flows/": {
            "date": "2023-05-01",
            "type": "下达",
            "source": "援助资金",
            "amount": "1",
            "voucher": "X",
        },
        f"/projects/{p.pk}/reports/": {"date": "2023-05-01", "progress": 50, "text": "x"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    for url in [
        f"/projects/files/evidence/{world.wulan_evidence.pk}/",
        f"/projects/files/photo/{world.wulan_photo.pk}/",
        f"/projects/files/photo/{world.wulan_photo.pk}/?size=thumb",
    ]:
        assert client.get(url).status_code == 404, url
    p.refresh_from_db()
    assert (p.name, p.status, p.version) == ("乌兰县骆驼奶加工项目", "在建", 1)
    assert p.flows.count() == 2 and p.reports.count() == 1
    # Lists, alerts, funds and the dashboard leave 乌兰 out too.
    for url in ["/projects/", "/projects/alerts/", "/projects/funds/?year=2023", "/"]:
        assert "骆驼奶".encode() not in client.get(url).content, url


def test_unknown_file_kinds_and_missing_files_are_404(client_for, reg, world):
    client = client_for(reg.hq)
    assert client.get(f"/projects/files/other/{world.dulan_photo.pk}/").status_code == 404
    assert client.get("/projects/files/photo/999999/").status_code == 404
    world.dulan_evidence.file.storage.delete(world.dulan_evidence.file.name)
    assert client.get(f"/projects/files/evidence/{world.dulan_evidence.pk}/").status_code == 404


def test_files_are_streamed_to_users_in_scope(client_for, reg, world):
    client = client_for(reg.dulan_team)
    response = client.get(f"/projects/files/evidence/{world.dulan_evidence.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response = client.get(f"/projects/files/photo/{world.dulan_photo.pk}/?size=thumb")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    img = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert img.format == "JPEG"
    # The liaison of the implementing hospital sees its project's photos, not 乌兰's.
    client = client_for(reg.liaison)
    assert client.get(f"/projects/files/photo/{world.dulan_photo.pk}/").status_code == 200
    assert client.get(f"/projects/files/photo/{world.wulan_photo.pk}/").status_code == 404


def test_a_viewer_reads_but_gets_403_on_every_form(client_for, reg, world):
    client = client_for(reg.viewer)
    p = world.wulan
    assert client.get(f"/projects/{p.pk}/").status_code == 200
    assert client.get("/projects/new/").status_code == 403
    for url in project_urls(p)[1:]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    page = client.get(f"/projects/{p.pk}/").content.decode()
    assert 'id="edit"' not in page and "录入资金" not in page and "变更为" not in page


def test_a_liaison_reports_progress_but_cannot_edit_or_record_money(client_for, reg, world):
    client = client_for(reg.liaison)
    p = world.dulan
    assert client.get(f"/projects/{p.pk}/").status_code == 200
    assert client.get(f"/projects/{p.pk}/reports/").status_code == 200
    for url in project_urls(p)[1:4]:
        assert client.get(url).status_code == 403, url
    assert client.get("/projects/new/").status_code == 403
    response = client.post(
        f"/projects/{p.pk}/reports/",
        {"date": "2023-07-01", "progress": 55, "text": "设备进场", "photos": [png("a.png")]},
    )
    assert response.status_code == 302
    report = p.reports.get(date=dt.date(2023, 7, 1))
    assert report.created_by == reg.liaison and report.photos.count() == 1


# The list -----------------------------------------------------------------------------------


def test_the_list_totals_the_filtered_set_in_wan(client_for, reg, world):
    make(reg, "DL-02", name="都兰县学校", aid_amount=Decimal("123456.78"), year=2024)
    make(reg, "DL-03", status="取消", aid_amount=Decimal("5000000"))
    client = client_for(reg.hq)
    page = client.get("/projects/", {"county": "632822", "year": 2023}).content.decode()
    # 都兰 2023: DL-01 (100 万 aid, 20 万 local); DL-03 is cancelled and left out of the totals.
    assert re.search(r'id="total-aid">.*?<b>100\.00</b>', page, re.S)
    assert re.search(r'id="total-local">.*?<b>20\.00</b>', page, re.S)
    assert re.search(r'id="total-committed">.*?<b>100\.00</b>', page, re.S)
    assert re.search(r'id="total-disbursed">.*?<b>86\.50</b>', page, re.S)
    assert re.search(r'id="total-rate">.*?<b>86\.5%</b>', page, re.S)
    assert "DL-03" in page and "不含已取消项目" in page
    assert "WL-01" not in page and "DL-02" not in page
    page = client.get("/projects/", {"q": "学校"}).content.decode()
    assert re.search(r'id="total-aid">.*?<b>12\.35</b>', page, re.S)
    assert "DL-02" in page and "DL-01" not in page
    page = client.get("/projects/", {"status": "取消"}).content.decode()
    assert re.search(r'id="total-aid">.*?<b>500\.00</b>', page, re.S)
    # The whole programme for headquarters: 100 + 100 + 12.35 万 of live aid.
    page = client.get("/projects/").content.decode()
    assert re.search(r'id="total-aid">.*?<b>212\.35</b>', page, re.S)


def test_the_list_filters_by_alert_kind_and_answers_htmx_with_the_table(client_for, reg, world):
    make(reg, "DL-04", status="立项", planned_start=dt.date(2023, 1, 5))
    client = client_for(reg.dulan_team)
    response = client.get("/projects/", {"alert": "not_started"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page and 'id="totals"' in page
    assert "DL-04" in page and "DL-01" not in page
    # Export links carry the filters.
    assert "/projects/export.xlsx?alert=not_started" in page


def test_the_list_does_not_query_per_row(client_for, reg, world, django_assert_max_num_queries):
    for i in range(30):
        p = make(reg, f"Q-{i:02d}", status="立项", county=reg.dulan if i % 2 else reg.wulan)
        record(p, "下达", "1000", f"XD{i}")
    client = client_for(reg.hq)
    with django_assert_max_num_queries(12):
        assert client.get("/projects/").status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get("/projects/", {"alert": "slow_disbursement"}).status_code == 200


def test_exports_hand_the_filtered_projects_and_flows_to_the_sheet_writer(client_for, reg, world):
    pytest.importorskip("duikou.exchange_io.exports")
    client = client_for(reg.dulan_team)
    for url in ["/projects/export.csv", "/projects/flows/export.csv"]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        assert "DL-01" in text and "WL-01" not in text, url
    response = client.get("/projects/flows/export.csv", {"q": "nothing-matches"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert "DL-01" not in body.decode("utf-8-sig")
    for url in ["/projects/export.xlsx", "/projects/flows/export.xlsx"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content[:2] == b"PK"
    assert client.get("/projects/export.pdf").status_code == 404


# The detail page ----------------------------------------------------------------------------


def test_the_detail_shows_money_in_wan_and_a_timeline_newest_first(client_for, reg, world):
    p = world.dulan
    services.project_transition(actor=reg.dulan_team, project=p, to_status="暂停", comment="冬休")
    page = client_for(reg.hq).get(f"/projects/{p.pk}/").content.decode()
    assert "100.00 万元" in page and "20.00 万元" in page and "120.00 万元" in page
    assert "86.50" in page and "86.5%" in page  # 拨付 and its rate in the budget table
    timeline = page[page.index('id="timeline"') :]
    # Newest first by the date things happened: the suspension and the record's creation (both
    # today, entered in the test), then the June 2023 report and the March 2023 flows.
    order = [timeline.index(s) for s in ("冬休", "记录新建", "主体施工", "BF-DL-01", "XD-DL-01")]
    assert order == sorted(order)
    assert f"/projects/files/photo/{world.dulan_photo.pk}/?size=thumb" in timeline
    assert f"/projects/files/evidence/{world.dulan_evidence.pk}/" in timeline
    assert "dulan" in timeline  # who suspended it


def test_a_county_team_sees_its_transitions_and_the_headquarters_note(client_for, reg, world):
    p = make(reg, "DL-05")
    page = client_for(reg.dulan_team).get(f"/projects/{p.pk}/").content.decode()
    assert 'id="hq-note"' in page and "须由指挥部审批" in page
    assert 'value="取消"' in page and 'value="立项"' not in page
    page = client_for(reg.hq).get(f"/projects/{p.pk}/").content.decode()
    assert 'value="立项"' in page and 'id="hq-note"' not in page


# Transitions --------------------------------------------------------------------------------


def test_transitions_through_the_page(client_for, reg, world):
    p = make(reg, "DL-06", status="立项")
    client = client_for(reg.dulan_team)
    url = f"/projects/{p.pk}/transition/"
    response = client.post(url, {"to_status": "在建"})
    assert response.status_code == 200
    assert "须填写实际开工日期" in response.content.decode()
    response = client.post(url, {"to_status": "暂停", "comment": ""})
    assert "暂停或取消项目须填写原因" in response.content.decode()
    response = client.post(url, {"to_status": "完工", "actual_finish": "2023-05-01"})
    assert "不能从“立项”变更为“完工”" in response.content.decode()
    assert Project.objects.get(pk=p.pk).status == "立项"
    response = client.post(
        url, {"to_status": "在建", "actual_start": "2023-04-01", "comment": "开工"}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.status, p.actual_start) == ("在建", dt.date(2023, 4, 1))
    # 立项 and 验收 are stamps of the headquarters: a county team gets 403.
    q = make(reg, "DL-07")
    assert client.post(f"/projects/{q.pk}/transition/", {"to_status": "立项"}).status_code == 403
    assert Project.objects.get(pk=q.pk).status == "储备"


# Money flows --------------------------------------------------------------------------------


def flow_data(**extra):
    data = {
        "date": "2023-07-01",
        "type": "拨付",
        "source": "援助资金",
        "amount": "86.5",
        "voucher": "BF-2023-07",
        "note": "",
    }
    data.update(extra)
    return data


def test_a_flow_in_wan_is_recorded_exactly_with_its_evidence(client_for, reg, world):
    p = make(reg, "DL-08", status="立项")
    record(p, "下达", "1000000", "XD")
    client = client_for(reg.dulan_team)
    response = client.post(
        f"/projects/{p.pk}/flows/",
        flow_data(amount="86.500001", evidence=[pdf("a.pdf"), png("b.png")]),
    )
    assert response.status_code == 302
    f = MoneyFlow.objects.get(project=p, voucher="BF-2023-07")
    assert f.amount == Decimal("865000.01") and f.created_by == reg.dulan_team
    assert sorted(e.file.name.rsplit("/", 1)[-1][:1] for e in f.evidence.all()) == ["a", "b"]


def test_a_refused_flow_shows_the_figures_and_keeps_nothing(client_for, reg, world):
    p = world.dulan
    before_flows, before_evidence = MoneyFlow.objects.count(), FlowEvidence.objects.count()
    client = client_for(reg.dulan_team)
    # 86.5 万 disbursed of 100 万 committed: another 20 万 would make 106.5 万.
    response = client.post(f"/projects/{p.pk}/flows/", flow_data(amount="20", evidence=[pdf()]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "106.50 万元" in page and "100.00 万元" in page
    assert 'value="BF-2023-07"' in page  # the input is kept
    for bad, message in [
        (flow_data(amount="abc"), "请输入数字金额"),
        (flow_data(amount="0.0000001"), "最多 6 位小数"),
        (flow_data(amount="0"), "金额必须大于 0"),
        (flow_data(voucher="XD-DL-01", type="下达"), "相同凭证号"),
        (flow_data(amount="1", evidence=[SimpleUploadedFile("x.exe", b"MZ")]), "exe"),
    ]:
        response = client.post(f"/projects/{p.pk}/flows/", bad)
        assert response.status_code == 200
        assert message in response.content.decode(), message
    assert MoneyFlow.objects.count() == before_flows
    assert FlowEvidence.objects.count() == before_evidence


def test_a_cancelled_project_refuses_a_flow_on_the_page(client_for, reg, world):
    p = make(reg, "DL-09", status="立项")
    services.project_transition(actor=None, project=p, to_status="取消", comment="撤销")
    response = client_for(reg.hq).post(f"/projects/{p.pk}/flows/", flow_data(type="下达"))
    assert "已取消，不能再录入资金" in response.content.decode()
    assert not p.flows.exists()


# Progress reports ---------------------------------------------------------------------------


def test_a_report_with_photos_from_the_phone(client_for, reg, world):
    p = world.dulan
    client = client_for(reg.dulan_team)
    page = client.get(f"/projects/{p.pk}/reports/").content.decode()
    assert 'accept="image/*"' in page and 'capture="environment"' in page and "multiple" in page
    response = client.post(
        f"/projects/{p.pk}/reports/",
        {
            "date": "2023-07-15",
            "progress": 60,
            "text": "三张照片",
            "photos": [png("1.png"), png("2.png"), png("3.png")],
        },
    )
    assert response.status_code == 302
    assert p.reports.get(text="三张照片").photos.count() == 3
    response = client.post(
        f"/projects/{p.pk}/reports/",
        {"date": "2023-07-16", "progress": 101, "text": "x", "photos": [pdf("x.png")]},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "100" in page and "图片" in page
    assert not p.reports.filter(date=dt.date(2023, 7, 16)).exists()


def test_a_reserve_project_cannot_take_a_report(client_for, reg, world):
    p = make(reg, "DL-10")
    client = client_for(reg.dulan_team)
    page = client.get(f"/projects/{p.pk}/").content.decode()
    assert 'id="report-link"' not in page
    response = client.post(
        f"/projects/{p.pk}/reports/", {"date": "2023-07-16", "progress": 1, "text": "x"}
    )
    assert "不能填报进度" in response.content.decode()


# Create and edit ----------------------------------------------------------------------------


def project_data(reg, **extra):
    data = {
        "code": "DL-NEW",
        "name": "都兰县新建项目",
        "year": 2024,
        "category": "医疗卫生",
        "county": reg.dulan.pk,
        "implementer": reg.dulan_hospital.pk,
        "pairing_city": reg.jiaxing.pk,
        "aid_amount": "1407",
        "local_amount": "0.000001",
        "social_amount": "",
        "planned_start": "2024-04-01",
        "planned_finish": "2024-10-31",
    }
    data.update(extra)
    return data


def test_a_county_team_creates_a_project_with_money_in_wan(client_for, reg):
    client = client_for(reg.dulan_team)
    page = client.get("/projects/new/").content.decode()
    assert 'type="date"' in page and "乌兰县" not in page and 'name="status"' not in page
    response = client.post("/projects/new/", project_data(reg))
    assert response.status_code == 302
    p = Project.objects.get(code="DL-NEW")
    assert (p.aid_amount, p.local_amount, p.social_amount) == (
        Decimal("14070000.00"),
        Decimal("0.01"),
        Decimal("0.00"),
    )
    assert p.status == "储备" and p.created_by == reg.dulan_team


def test_a_county_team_cannot_create_in_another_county_through_the_form(client_for, reg):
    response = client_for(reg.dulan_team).post(
        "/projects/new/", project_data(reg, county=reg.wulan.pk)
    )
    assert response.status_code == 200
    assert "aria-invalid" in response.content.decode()
    assert not Project.objects.filter(code="DL-NEW").exists()


def test_the_edit_form_shows_money_in_wan_and_the_version(client_for, reg, world):
    page = client_for(reg.dulan_team).get(f"/projects/{world.dulan.pk}/edit/").content.decode()
    assert 'name="aid_amount"' in page and 'value="100"' in page and 'value="20"' in page
    assert 'name="version" value="1"' in page


def test_the_edit_form_shows_a_concurrent_edit_and_keeps_the_input(client_for, reg, world):
    p = world.dulan
    client = client_for(reg.dulan_team)
    opened = project_data(
        reg, code=p.code, name=p.name, year=2023, category="教育", aid_amount="100",
        local_amount="20", planned_start="", planned_finish="", actual_start="2023-03-10",
        version=1,
    )  # fmt: skip
    # Headquarters changes the aid and the name while the county team's form is open.
    services.project_update(
        actor=reg.hq, project=p, expected_version=1, aid_amount=Decimal("1200000"), name="总部改名"
    )
    mine = {**opened, "location_detail": "香日德镇", "name": "县里改名"}
    response = client.post(f"/projects/{p.pk}/edit/", mine)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="conflict"' in page and "已被其他人修改" in page
    assert "援助资金</b>：<del>100.00 万元</del> → <ins>120.00 万元</ins>" in page
    assert "hq" in page  # who changed it
    assert 'value="香日德镇"' in page and 'value="县里改名"' in page  # nothing typed is lost
    assert 'name="version" value="2"' in page
    assert 'value="120"' in page  # an untouched field takes the newer value
    assert "也被他人修改" in page  # the name was changed by both
    assert "编辑项目：总部改名" in page  # the heading shows the record as saved
    conflict_box = page[
        page.index('id="conflict"') : page.index("</div>", page.index('id="conflict"'))
    ]
    assert "版本" not in conflict_box
    p.refresh_from_db()
    assert (p.name, p.location_detail) == ("总部改名", "")
    # Saving again keeps headquarters' aid and applies the county team's edits.
    merged = {**mine, "aid_amount": "120", "version": 2}
    assert client.post(f"/projects/{p.pk}/edit/", merged).status_code == 302
    p.refresh_from_db()
    assert (p.name, p.location_detail, p.aid_amount) == ("县里改名", "香日德镇", Decimal("1200000"))


def test_wan_fields_convert_exactly():
    field = WanField()
    assert field.clean("86.5") == Decimal("865000.00")
    assert field.clean("0.000001") == Decimal("0.01")
    assert field.clean("12345678.123456") == Decimal("123456781234.56")
    assert WanField(required=False).clean("") == Decimal("0.00")
    with pytest.raises(Exception, match="6 位小数"):
        field.clean("1.0000001")


# Alerts, funds, dashboard -------------------------------------------------------------------


def test_the_alerts_page_groups_by_kind_and_filters(client_for, reg, world):
    make(reg, "DL-11", status="立项", planned_start=dt.date(2023, 1, 5))
    make(reg, "WL-11", county=reg.wulan, status="立项", planned_start=dt.date(2023, 1, 5))
    client = client_for(reg.hq)
    page = client.get("/projects/alerts/").content.decode()
    assert 'id="kind-not_started"' in page and "DL-11" in page and "WL-11" in page
    page = client.get("/projects/alerts/", {"county": "632822"}).content.decode()
    assert "DL-11" in page and "WL-11" not in page
    page = client.get("/projects/alerts/", {"kind": "no_report"}).content.decode()
    assert 'id="kind-not_started"' not in page
    page = client_for(reg.wulan_team).get("/projects/alerts/").content.decode()
    assert "WL-11" in page and "DL-11" not in page


def test_the_funds_page_shows_the_years_figures_and_monthly_progress(client_for, reg, world):
    record(world.dulan, "支出", "300000", "ZC-1", date=dt.date(2023, 5, 20))
    response = client_for(reg.dulan_team).get("/projects/funds/", {"year": 2023})
    page = response.content.decode()
    assert 'id="kpi-count">1<' in page and 'id="kpi-aid">100.00<' in page
    data = json.loads(re.search(r'id="funds-data"[^>]*>(.*?)</script>', page, re.S).group(1))
    monthly = {s["name"]: s["data"] for s in data["monthly"]["series"]}
    assert monthly["累计下达"][:3] == ["0.00", "0.00", "100.00"]
    assert monthly["累计支出"][4] == "30.00" and monthly["累计支出"][-1] == "30.00"
    assert data["by_county"] == {"names": ["都兰"], "values": ["100.00"]}
    assert data["by_category"] == [{"name": "教育", "value": "100.00"}]
    assert "86.5%" in page  # 资金拨付率 in the indicator table
    assert client_for(reg.hq).get("/projects/funds/", {"year": "x"}).status_code == 200


def test_the_dashboard_has_a_projects_panel(client_for, reg, world):
    make(reg, "DL-12", status="立项", planned_start=dt.date(2023, 1, 5))
    page = client_for(reg.dulan_team).get("/", {"year": 2023}).content.decode()
    assert 'id="kpi-projects">2<' in page and 'id="kpi-aid">200.00<' in page
    assert 'id="kpi-pairings">1<' in page  # the pairing panel is still there
    assert 'id="worst-alerts"' in page and "项目DL-12" in page and "逾期未开工" in page
