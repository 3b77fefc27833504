"""The platform itself: the `duikou` command, settings, reference data, i18n, hashing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from duikou.core.models import Division

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_migrate_installs_the_divisions_and_the_city_county_table():
    haixi = Division.objects.get(code="632800")
    counties = Division.objects.filter(parent=haixi)
    assert counties.count() == 7
    assert Division.objects.filter(parent__code="330000").count() == 11
    dachaidan = Division.objects.get(code="632857")
    assert dachaidan.non_mca and dachaidan.alt_code == "632825"
    pairs = {d.name: d.paired_city.name for d in counties}
    assert pairs == {
        "德令哈市": "杭州市",
        "天峻县": "宁波市",
        "格尔木市": "温州市",
        "都兰县": "嘉兴市",
        "乌兰县": "湖州市",
        "大柴旦行政委员会": "绍兴市",
        "茫崖市": "台州市",
    }
    assert Division.objects.filter(code__in=["630000", "630100"]).count() == 2


def test_passwords_are_hashed_with_argon2():
    assert settings.PASSWORD_HASHERS  # overridden to MD5 by the autouse fixture in tests
    from duikou import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_settings_are_chinese_first_in_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]


def test_vendored_assets_carry_their_versions():
    vendor = {p.name for p in (ROOT / "static" / "vendor").iterdir()}
    assert {"echarts-5.6.0.min.js", "htmx-2.0.8.min.js", "pico-2.1.1.min.css"} <= vendor


def _duikou(*args, env=None, **kwargs):
    exe = Path(sys.executable).with_name("duikou")
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, env=env, timeout=120, **kwargs
    )


@pytest.mark.sqlite_once
@pytest.mark.slow
def test_the_duikou_command_wraps_manage_py(tmp_path):
    env = {**os.environ, "DUIKOU_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = _duikou("migrate", "-v", "0", env=env)
    assert result.returncode == 0, result.stderr
    result = _duikou("figures", "--year", "2023", env=env)
    assert result.returncode == 0, result.stderr
    assert '"year": 2023' in result.stdout
    # The secret key is generated once into the data dir, owner-readable only.
    key = tmp_path / "secret_key"
    assert key.exists() and oct(key.stat().st_mode)[-3:] == "600"
    assert (tmp_path / "duikou.sqlite3").exists()


@pytest.mark.django_db
def test_english_is_available(client):
    from django.utils import translation

    with translation.override("en"):
        from django.utils.translation import gettext

        assert gettext("对口支援协作平台") != "对口支援协作平台"
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_the_login_page_is_chinese_by_default(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-hans"' in page and "登录" in page


def test_duikou_plan_hands_the_command_line_to_the_planner(tmp_path):
    instance = ROOT.parent / "shared" / "bench" / "planning" / "instances" / "small-1.json"
    if not instance.exists():
        pytest.skip("shared planning instances not present")
    out = tmp_path / "plan.json"
    result = _duikou("plan", str(instance), "--time-limit", "2", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "score=" in result.stdout and out.exists()
    bad = _duikou("plan", str(tmp_path / "missing.json"), "--time-limit", "1", "-o", str(out))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
