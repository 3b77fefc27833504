"""The attack suite's records: for every URL with a path argument, one record of 都兰 (dulan)
and one of 乌兰 (wulan), on the small `reg` registry (not the demo: the suite stays fast).

Records that belong to no county (planning runs, people batches, the expert's availability,
Excel templates) get one record used on both sides.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from duikou.api import services as api_services
from duikou.consumption import services as consumption_services
from duikou.exchange_io.models import ExportJob, ImportBatch
from duikou.investment import services as invest_services
from duikou.orders.models import DemandStatus, PlanningRun, Visit
from duikou.people import services as people_services
from duikou.people.models import AvailabilityWindow
from duikou.projects.models import FlowEvidence, ProgressPhoto
from duikou.reports import summary
from duikou.reports.models import SummaryReport, SummaryStatus
from tests.consumption_kit import Kit as ConsumptionKit
from tests.investment_kit import Kit as InvestmentKit
from tests.test_orders_demands import make_demand
from tests.test_people_views import World as PeopleWorld
from tests.test_projects_views import World as ProjectsWorld

ROLES = ("hq", "dulan_team", "wulan_team", "liaison", "doctor", "viewer")
SIDES = ("dulan", "wulan")


_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def _visit(demand, expert, start_in: int) -> Visit:
    start = timezone.localdate() + dt.timedelta(days=start_in)
    visit = Visit.objects.create(
        demand=demand, expert=expert, start_date=start, end_date=start + dt.timedelta(days=4)
    )
    type(demand).objects.filter(pk=demand.pk).update(status=DemandStatus.SCHEDULED)
    return visit


def _import_batch(user) -> ImportBatch:
    batch = ImportBatch(user=user, username=user.username, filename="book.xlsx", size=4)
    batch.file.save("book.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    batch.error_file.save("book-errors.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    batch.save()
    return batch


def _export_job(user) -> ExportJob:
    """A finished background export of the user's, its file still there to download."""
    job = ExportJob(
        user=user,
        export="projects.projects",
        title="项目",
        filename="projects.xlsx",
        status=ExportJob.Status.DONE,
        rows_total=1,
        rows_done=1,
        finished_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    job.file.save("projects.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    job.save()
    return job


def _notice(user):
    from duikou.notices import services as notices_services

    (notification,) = notices_services.notify(
        recipients=[user], kind="visit_changed", title="通知", link="/orders/visits/"
    )
    return notification


def _exchanges(reg) -> dict:
    """An event in 都兰 and one in 乌兰 (each with a photo and a named participant), an
    off-site class from each county, an indicator with a value."""
    from duikou.core import services as core_services
    from duikou.exchanges import services as exch
    from duikou.exchanges.models import EventPhoto

    out: dict = {}
    school = core_services.organisation_create(
        actor=None, name="浙江旅游职业学院", kind="院校", side="支援方", division=reg.hangzhou
    )
    for side, county, hospital in (
        ("dulan", reg.dulan, reg.dulan_hospital),
        ("wulan", reg.wulan, reg.wulan_hospital),
    ):
        event = exch.event_create(
            actor=None,
            kind="夏令营",
            title=f"{county.name}夏令营",
            start_date=dt.date(2023, 8, 1),
            end_date=dt.date(2023, 8, 5),
            places=[county],
            haixi_count=10,
        )
        exch.participant_add(
            actor=None, event=event, name="马晓梅", side="海西", phone="13912345678"
        )
        photo = EventPhoto(event=event)
        photo.image.save("camp.png", ContentFile(_PNG), save=True)
        out[f"{side}_event"], out[f"{side}_photo"] = event, photo
        out[f"{side}_class"] = exch.offsite_class_create(
            actor=None,
            school=school,
            haixi_org=hospital,
            major=f"{county.name}护理",
            intake_year=2023,
            students=30,
        )
    out["indicator"] = exch.indicator_create(actor=None, name="浙江游客人次", unit="人次")
    exch.indicator_value_set(
        actor=None, indicator=out["indicator"], year=2023, value="1100000", source="公报"
    )
    return out


class AttackWorld:
    """ids[side][kind] → the pk (or str) filling a URL's argument of that kind."""

    def __init__(self, reg):
        today = timezone.localdate()
        people = PeopleWorld(reg)
        projects = ProjectsWorld(reg)
        wulan_achievement = people_services.achievement_create(
            actor=None,
            posting=people.zhao_posting,
            kind="新技术",
            count=1,
            title="乌兰首例",
            date=today - dt.timedelta(days=5),
        )
        dulan_demand = make_demand(reg, organisation=reg.dulan_hospital)
        wulan_demand = make_demand(reg, organisation=reg.wulan_hospital)
        open_dulan = make_demand(reg, organisation=reg.dulan_hospital, skill="心血管内科")
        open_wulan = make_demand(reg, organisation=reg.wulan_hospital, skill="心血管内科")
        dulan_visit = _visit(dulan_demand, people.li, -2)
        wulan_visit = _visit(wulan_demand, people.zhao, -2)
        run = PlanningRun.objects.create(
            period_start=today, period_end=today + dt.timedelta(days=89), instance={}, plan={}
        )
        for someone in (people.li, people.zhao):
            someone.photo.save("photo.png", ContentFile(_PNG), save=True)
        availability = AvailabilityWindow.objects.filter(person=people.li).first()
        invest = InvestmentKit(reg)
        deal = invest_services.deal_create
        dulan_deal = deal(
            actor=None, name="都兰枸杞项目", enterprise=invest.small, county=reg.dulan, on=today
        )
        wulan_deal = deal(
            actor=None, name="乌兰光伏项目", enterprise=invest.solar, county=reg.wulan, on=today
        )
        event = invest_services.event_create(
            actor=None, name="杭州推介会", date=today, place="杭州", organiser="浙江省援青指挥部"
        )
        exch = _exchanges(reg)
        report = SummaryReport.objects.create(
            year=2023, status=SummaryStatus.DONE, progress=100, document=summary.build(2023)
        )
        shops = ConsumptionKit(reg)
        # A sale of 都兰's supplier through a channel only it sells through, and 乌兰's.
        dulan_channel = consumption_services.channel_create(
            actor=None, name="嘉兴十城百店·都兰专柜", kind="门店", city=reg.jiaxing
        )
        dulan_sale = consumption_services.sale_create(
            actor=None,
            channel=dulan_channel,
            product=shops.goji,
            supplier=shops.goji_supplier,
            date=today.replace(day=1),
            is_month=True,
            sold=100,
        )
        common = {
            "summary_year": report.year,
            "run": run.pk,
            "people_batch": people.batch.pk,
            "availability": availability.pk,
            "training": people.training.pk,
            "sheet": "项目",
            "help_area": "projects",
            "fmt": "xlsx",
            "enterprise": invest.solar.pk,
            "policy": invest.pv.pk,
            "event": event.pk,
            "indicator": exch["indicator"].pk,
            # headquarters' own token: only its owner revokes it on that page
            "api_token": api_services.token_create(actor=reg.hq, name="attack suite")[0].pk,
        }
        self.people, self.projects = people, projects
        self.ids = {
            "dulan": {
                **common,
                "org": reg.dulan_hospital.pk,
                "pairing": reg.dulan_pairing.pk,
                "project": projects.dulan.pk,
                "evidence": FlowEvidence.objects.get(flow__project=projects.dulan).pk,
                "photo": ProgressPhoto.objects.get(report__project=projects.dulan).pk,
                "person": people.li.pk,
                "posting": people.li_posting.pk,
                "achievement": people.achievement.pk,
                "demand": open_dulan.pk,
                "visit": dulan_visit.pk,
                "import_batch": _import_batch(reg.dulan_team).pk,
                "export_job": _export_job(reg.dulan_team).pk,
                "deal": dulan_deal.pk,
                "channel": dulan_channel.pk,
                "sale": dulan_sale.pk,
                "exch_event": exch["dulan_event"].pk,
                "exch_photo": exch["dulan_photo"].pk,
                "offsite_class": exch["dulan_class"].pk,
                "notice": _notice(reg.liaison).pk,
            },
            "wulan": {
                **common,
                "org": reg.wulan_hospital.pk,
                "pairing": reg.wulan_pairing.pk,
                "project": projects.wulan.pk,
                "evidence": FlowEvidence.objects.get(flow__project=projects.wulan).pk,
                "photo": ProgressPhoto.objects.get(report__project=projects.wulan).pk,
                "person": people.zhao.pk,
                "posting": people.zhao_posting.pk,
                "achievement": wulan_achievement.pk,
                "demand": open_wulan.pk,
                "visit": wulan_visit.pk,
                "import_batch": _import_batch(reg.wulan_team).pk,
                "export_job": _export_job(reg.wulan_team).pk,
                "deal": wulan_deal.pk,
                "channel": shops.other_shop.pk,
                "sale": shops.other_lamb.pk,
                "exch_event": exch["wulan_event"].pk,
                "exch_photo": exch["wulan_photo"].pk,
                "offsite_class": exch["wulan_class"].pk,
                "notice": _notice(reg.wulan_team).pk,
            },
        }
