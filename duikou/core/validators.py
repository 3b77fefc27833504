"""User-facing wording of the check-digit findings of duikou.lib.checkdigits."""

from django.utils.translation import gettext as _


def _templates() -> dict[str, str]:
    return {
        "length": _("应为 18 位，实为 %(length)s 位。"),
        "charset": _("含有不允许的字符 %(chars)s（统一社会信用代码不使用 I、O、S、V、Z）。"),
        "region": _("第 3–8 位应为 6 位数字的行政区划码。"),
        "check": _("校验码不符：第 18 位按校验规则应为 %(expected)s，实为 %(actual)s。"),
        "prefix": _("前两位 %(prefix)s 不是已定义的登记管理部门和机构类别代码。"),
        "orgcode": _("内嵌的组织机构代码（第 9–17 位）校验不符。"),
        "orgcode_format": _("内嵌的组织机构代码（第 9–17 位）格式不符。"),
        "id_format": _("前 17 位应为数字，第 18 位应为数字或大写 X。"),
        "birth_invalid": _("出生日期 %(date)s 不存在。"),
        "birth_future": _("出生日期 %(date)s 晚于今天。"),
    }


def credit_code_messages(findings: list[tuple[str, dict]]) -> list[str]:
    templates = _templates()
    return [templates[key] % params for key, params in findings]
