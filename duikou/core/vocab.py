"""Every controlled vocabulary of the platform, in one place.

The stored value of each choice is its Chinese name exactly as the Excel templates
(`docs/contracts/templates.md`) and the figures JSON (`docs/contracts/figures.md`) use it; the
label is the same name through gettext, so the English interface shows the English translation
(locale/en).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Side(models.TextChoices):
    SUPPORTING = "支援方", _("支援方（浙江）")
    AIDED = "受援方", _("受援方（海西）")


class OrgKind(models.TextChoices):
    GOVERNMENT = "政府机关", _("政府机关")
    HOSPITAL = "医院", _("医院")
    SCHOOL = "学校", _("学校")
    COLLEGE = "院校", _("院校")
    ENTERPRISE = "企业", _("企业")
    VILLAGE = "村", _("村")
    COOPERATIVE = "合作社", _("合作社")
    ASSOCIATION = "协会联盟", _("协会联盟")
    OTHER = "其他", _("其他")


#: organisation kinds that may post demands (点单: hospitals and schools), on the aided side
DEMAND_ORG_KINDS = frozenset({OrgKind.HOSPITAL, OrgKind.SCHOOL, OrgKind.COLLEGE})


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("地级")
    COUNTY = "county", _("县级")


class PairingKind(models.TextChoices):
    CITY_COUNTY = "城市-县", _("城市-县")
    HOSPITAL_DEPARTMENT = "医院-科室", _("医院-科室")
    SCHOOL_SCHOOL = "学校-学校", _("学校-学校")
    COLLEGE_COLLEGE = "院校-院校", _("院校-院校")
    VILLAGE_VILLAGE = "村-村", _("村-村")
    ENTERPRISE_VILLAGE = "企业-村", _("企业-村")
    OTHER = "其他", _("其他")


# Which organisation kinds may stand on each side of a pairing kind (Zhejiang, Haixi).
# 其他 accepts any kind; the rest follow the programme's own naming of the pairing.
PAIRING_ORG_KINDS: dict[str, tuple[set[str], set[str]]] = {
    PairingKind.CITY_COUNTY: ({OrgKind.GOVERNMENT}, {OrgKind.GOVERNMENT}),
    PairingKind.HOSPITAL_DEPARTMENT: ({OrgKind.HOSPITAL}, {OrgKind.HOSPITAL}),
    PairingKind.SCHOOL_SCHOOL: ({OrgKind.SCHOOL}, {OrgKind.SCHOOL}),
    PairingKind.COLLEGE_COLLEGE: ({OrgKind.COLLEGE}, {OrgKind.COLLEGE}),
    PairingKind.VILLAGE_VILLAGE: ({OrgKind.VILLAGE}, {OrgKind.VILLAGE}),
    PairingKind.ENTERPRISE_VILLAGE: (
        {OrgKind.ENTERPRISE, OrgKind.COOPERATIVE},
        {OrgKind.VILLAGE},
    ),
}


class ProjectCategory(models.TextChoices):
    LIVELIHOOD = "保障和改善民生", _("保障和改善民生")
    INDUSTRY = "产业支援", _("产业支援")
    EDUCATION = "教育", _("教育")
    MEDICAL = "医疗卫生", _("医疗卫生")
    CULTURE = "文化", _("文化")
    EXCHANGE = "交往交流交融", _("交往交流交融")
    TALENT = "智力支援", _("智力支援")
    OTHER = "其他", _("其他")


class ProjectStatus(models.TextChoices):
    RESERVE = "储备", _("储备")
    APPROVED = "立项", _("立项")
    BUILDING = "在建", _("在建")
    COMPLETED = "完工", _("完工")
    ACCEPTED = "验收", _("验收")
    SUSPENDED = "暂停", _("暂停")
    CANCELLED = "取消", pgettext_lazy("project status", "取消")


class FlowType(models.TextChoices):
    COMMITMENT = "下达", _("下达")
    DISBURSEMENT = "拨付", _("拨付")
    EXPENDITURE = "支出", _("支出")


class FundingSource(models.TextChoices):
    AID = "援助资金", _("援助资金")
    LOCAL = "地方配套", _("地方配套")
    SOCIAL = "社会资金", _("社会资金")


class PersonnelKind(models.TextChoices):
    CADRE = "党政干部", _("党政干部")
    PROFESSIONAL = "专业技术人才", _("专业技术人才")
    SHORT_TERM = "短期支援", _("短期支援")
    FLEXIBLE = "柔性帮扶", _("柔性帮扶")


class Field(models.TextChoices):
    MEDICAL = "医疗", _("医疗")
    EDUCATION = "教育", _("教育")
    AGRICULTURE = "农牧", _("农牧")
    PLANNING = "规划建设", _("规划建设")
    ECONOMY = "经济", _("经济")
    OTHER = "其他", _("其他")


class Gender(models.TextChoices):
    MALE = "男", _("男")
    FEMALE = "女", _("女")


class ChannelKind(models.TextChoices):
    SHOP = "门店", _("门店")
    ECOMMERCE = "电商", _("电商")
    EXPO = "展会", _("展会")
    CANTEEN = "食堂采购", _("食堂采购")
    OTHER = "其他", _("其他")


VOCABULARIES: dict[str, type[models.TextChoices]] = {
    "side": Side,
    "org_kind": OrgKind,
    "pairing_kind": PairingKind,
    "project_category": ProjectCategory,
    "project_status": ProjectStatus,
    "flow_type": FlowType,
    "funding_source": FundingSource,
    "personnel_kind": PersonnelKind,
    "field": Field,
    "gender": Gender,
    "channel_kind": ChannelKind,
}


def lookup(vocabulary: type[models.TextChoices], raw: str) -> str | None:
    """Match a user-typed value (Chinese name, English label or member name) to a stored value."""
    value = raw.strip().replace("\u3000", "")
    if not value:
        return None
    for choice in vocabulary:
        if value in {choice.value, str(choice.label), choice.name, choice.name.lower()}:
            return choice.value
    return None


class ProjectMode(models.TextChoices):
    TURNKEY = "交钥匙", _("交钥匙")
    CHEQUE = "交支票", _("交支票")


class BuildType(models.TextChoices):
    NEW = "新建", _("新建")
    CONTINUING = "续建", _("续建")


# The lifecycle: which status may follow which (import may set any consistent status directly).
PROJECT_TRANSITIONS: dict[str, set[str]] = {
    ProjectStatus.RESERVE: {ProjectStatus.APPROVED, ProjectStatus.CANCELLED},
    ProjectStatus.APPROVED: {
        ProjectStatus.BUILDING,
        ProjectStatus.SUSPENDED,
        ProjectStatus.CANCELLED,
    },
    ProjectStatus.BUILDING: {ProjectStatus.COMPLETED, ProjectStatus.SUSPENDED},
    ProjectStatus.COMPLETED: {ProjectStatus.ACCEPTED},
    ProjectStatus.ACCEPTED: set(),
    ProjectStatus.SUSPENDED: {
        ProjectStatus.APPROVED,
        ProjectStatus.BUILDING,
        ProjectStatus.CANCELLED,
    },
    ProjectStatus.CANCELLED: set(),
}
# Transitions only headquarters may make (an approval stamp).
HEADQUARTERS_TRANSITIONS = {ProjectStatus.APPROVED, ProjectStatus.ACCEPTED}

VOCABULARIES["project_mode"] = ProjectMode
VOCABULARIES["build_type"] = BuildType
