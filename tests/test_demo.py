"""The demo data loader: idempotent, valid, and its records produce the article's figures."""

from io import StringIO

import pytest
from django.core.management import call_command

from duikou.accounts.models import User
from duikou.core.models import Department, Division, Organisation, Pairing
from duikou.core.vocab import DivisionLevel, PairingKind
from duikou.demo.loader import DEMO_PASSWORD, load_demo
from duikou.lib.checkdigits import check_uscc
from duikou.reports import figures


def _counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "departments": Department.objects.count(),
        "pairings": Pairing.objects.count(),
        "users": User.objects.count(),
        "members": Organisation.members.through.objects.count(),
        "org_history": Organisation.history.count(),
        "pairing_history": Pairing.history.count(),
        "department_history": Department.history.count(),
    }


pytestmark = [pytest.mark.xdist_group("demo"), pytest.mark.slow]


@pytest.fixture(scope="module")
def demo(shared_demo):
    """The demo without its orders part (a planner run that tests/test_orders_demo.py checks),
    loaded once per session for the demo modules and rolled back after them (tests/conftest.py);
    each test runs in a savepoint."""
    return shared_demo.base(load_demo)


@pytest.mark.django_db
def test_load_twice_creates_no_duplicates(demo):
    before = _counts()
    assert before["organisations"] > 50
    assert before["users"] == 7
    again = load_demo()
    assert _counts() == before
    assert again == demo


@pytest.mark.django_db
def test_pairing_figures_2023(demo):
    by_kind = figures.compute(2023)["pairings"]["by_kind"]
    assert by_kind[PairingKind.HOSPITAL_DEPARTMENT] == 11
    assert by_kind[PairingKind.SCHOOL_SCHOOL] == 3
    assert by_kind[PairingKind.COLLEGE_COLLEGE] == 12
    assert by_kind[PairingKind.CITY_COUNTY] == 7
    assert by_kind[PairingKind.VILLAGE_VILLAGE] == 3
    assert by_kind[PairingKind.ENTERPRISE_VILLAGE] == 1


@pytest.mark.django_db
def test_ended_pairing_counts_in_2022_not_2023(demo):
    ended = Pairing.objects.get(end_date__isnull=False)
    assert ended.kind == PairingKind.SCHOOL_SCHOOL
    assert ended.end_date.year == 2022
    assert ended not in Pairing.objects.overlapping_year(2023)
    assert ended in Pairing.objects.overlapping_year(2022)
    assert figures.compute(2022)["pairings"]["by_kind"][PairingKind.SCHOOL_SCHOOL] == 1
    # 2022: no 以院包科, no college pairings yet; the 7 city↔county pairings already.
    by_kind_2022 = figures.compute(2022)["pairings"]["by_kind"]
    assert PairingKind.HOSPITAL_DEPARTMENT not in by_kind_2022
    assert by_kind_2022[PairingKind.CITY_COUNTY] == 7


@pytest.mark.django_db
def test_hospital_sponsors_distinct_departments(demo):
    hospital = Organisation.objects.get(name="海西州人民医院")
    pairings = Pairing.objects.filter(kind=PairingKind.HOSPITAL_DEPARTMENT)
    assert {p.haixi_org for p in pairings} == {hospital}
    assert len({p.haixi_department_id for p in pairings}) == 11
    assert len({p.zhejiang_org_id for p in pairings}) == 11


@pytest.mark.django_db
def test_alliance_members(demo):
    alliance = Organisation.objects.get(name="海西州医疗专科联盟")
    members = set(alliance.members.values_list("name", flat=True))
    assert len(members) == 8
    assert "海西州人民医院" in members and "大柴旦行委医院" in members


@pytest.mark.django_db
def test_every_credit_code_is_valid_and_unique(demo):
    codes = list(Organisation.objects.values_list("name", "credit_code"))
    assert all(code for _name, code in codes)
    assert len({code for _name, code in codes}) == len(codes)
    for name, code in codes:
        result = check_uscc(code)
        assert result.errors == [], (name, code, result.errors)
        assert result.warnings == [], (name, code, result.warnings)


@pytest.mark.django_db
def test_every_haixi_county_has_a_city_pairing(demo):
    counties = Division.objects.filter(parent__code="632800", level=DivisionLevel.COUNTY)
    assert counties.count() == 7
    for county in counties:
        pairing = Pairing.objects.get(kind=PairingKind.CITY_COUNTY, haixi_org__division=county)
        assert pairing.zhejiang_org.division == county.paired_city


@pytest.mark.django_db
def test_demo_users_sign_in(demo):
    assert {s["username"] for s in demo} == {
        "hq",
        "dulan",
        "wulan",
        "liaison",
        "doctor",
        "viewer",
        "shop",
    }
    for signin in demo:
        user = User.objects.get(username=signin["username"])
        assert user.check_password(DEMO_PASSWORD)
        assert signin["password"] == DEMO_PASSWORD
    assert User.objects.get(username="hq").is_superuser
    assert list(User.objects.get(username="dulan").counties.values_list("code", flat=True)) == [
        "632822"
    ]
    assert User.objects.get(username="liaison").organisation.name == "都兰县人民医院"


@pytest.mark.django_db
def test_demo_command_no_serve():
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    for username in ("hq", "dulan", "wulan", "liaison", "doctor", "viewer", "shop"):
        assert username in text
    assert DEMO_PASSWORD in text
    assert "前方工作组" in text
    assert Pairing.objects.filter(kind=PairingKind.COLLEGE_COLLEGE).count() == 12
