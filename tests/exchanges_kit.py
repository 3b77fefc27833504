"""A small exchanges world for the tests: an event in 都兰, one in 乌兰, one in 杭州 organised
by 都兰县人民医院, a named participant, a Zhejiang college and a Haixi one, an indicator."""

from __future__ import annotations

import datetime as dt

from duikou.core import services as core_services
from duikou.exchanges import services
from duikou.lib.checkdigits import ID_CHECK, ID_WEIGHTS

D = dt.date
PHONE = "13912345678"


def resident_id(first17: str = "63280219900101123") -> str:
    """A resident ID number with its right check character."""
    return (
        first17 + ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]
    )


ID_NUMBER = resident_id()


class Kit:
    def __init__(self, reg):
        self.reg = reg
        self.dulan_event = services.event_create(
            actor=None,
            kind="夏令营",
            title="都兰夏令营",
            start_date=D(2023, 8, 1),
            end_date=D(2023, 8, 7),
            places=[reg.dulan],
            haixi_count=30,
            zhejiang_count=20,
        )
        self.wulan_event = services.event_create(
            actor=None,
            kind="疗休养",
            title="乌兰疗休养",
            start_date=D(2023, 7, 3),
            end_date=D(2023, 7, 9),
            places=[reg.wulan],
            haixi_count=5,
            zhejiang_count=40,
        )
        self.hangzhou_event = services.event_create(
            actor=None,
            kind="展览",
            title="杭州医疗成就展",
            start_date=D(2024, 5, 20),
            end_date=D(2024, 5, 22),
            places=[reg.hangzhou],
            organisers=[reg.dulan_hospital],
            zhejiang_count=300,
        )
        self.person = services.participant_add(
            actor=None,
            event=self.dulan_event,
            name="马晓梅",
            side="海西",
            organisation="都兰县第一小学",
            phone=PHONE,
            id_number=ID_NUMBER,
        )
        org = core_services.organisation_create
        self.college = org(
            actor=None, name="柴达木职业技术学院", kind="院校", side="受援方", division=reg.dulan
        )
        self.school = org(
            actor=None, name="浙江旅游职业学院", kind="院校", side="支援方", division=reg.hangzhou
        )
        self.offsite = services.offsite_class_create(
            actor=None,
            school=self.school,
            haixi_org=self.college,
            major="旅游管理",
            intake_year=2023,
            students=40,
        )
        self.tourists = services.indicator_create(actor=None, name="浙江游客人次", unit="人次")
        self.tourists_2023 = services.indicator_value_set(
            actor=reg.hq,
            indicator=self.tourists,
            year=2023,
            value="1100000",
            source="海西州文体旅游广电局《2023年全州旅游市场统计》",
        )


def png(name: str = "camp.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (40, 120, 80)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
