"""The planner's reasons in the reader's language: why a demand is unserved, why an edit of a
plan breaks a rule.  The facts come from duikou.planning.explain (the rules are checked
there, by the planner's validator); this module only words them."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from duikou.orders.planning_data.names import Names
from duikou.planning import explain
from duikou.planning.instance import parse_instance

REASON_NO_SKILL = gettext_noop("无此专业的专家")
REASON_NO_TIME = gettext_noop("专家在需求窗口内无空档")
REASON_TAKEN = gettext_noop("专家服务天数或时间已被其他需求占用")
REASON_OUTSIDE = gettext_noop("需求时间窗口在本期内不足所需天数（窗口不在本期内）")
REASON_NO_PLACE = gettext_noop("需求单位不在海西，无法计算路程")
UNSERVED = {
    explain.NO_SKILL: REASON_NO_SKILL,
    explain.NO_TIME: REASON_NO_TIME,
    explain.TAKEN: REASON_TAKEN,
}

#: the five rules, as the edit refusals name them
RULES = {
    1: gettext_noop("规则1 专家不具备所需专业"),
    2: gettext_noop("规则2 超出需求时间窗口"),
    3: gettext_noop("规则3 不在专家可出诊时间内（含往返路程）"),
    4: gettext_noop("规则4 与该专家的其他安排重叠或路程时间不足"),
    5: gettext_noop("规则5 超过专家本期服务天数上限"),
}


def unserved_reasons(instance: dict, plan: dict | None) -> dict[str, str]:
    """For each demand the plan leaves unserved, and each one left out of the instance, why."""
    served = [row["demand"] for row in (plan or {}).get("assignments", [])]
    out = {
        did: _(UNSERVED[code])
        for did, code in explain.why_unserved(parse_instance(instance), served).items()
    }
    for x in instance.get("excluded", []):
        out[x["id"]] = _(x["reason"])
    return out


def why(names: Names, r: explain.Reason) -> str:
    """A broken rule in human terms (without the rule's name)."""
    who = names.expert(r.expert)
    what = names.demand(r.demand)
    when = names.days(r.start, r.end)
    if r.rule == 1:
        skills = names.expert_rows.get(r.expert, {}).get("skills", list(r.skills))
        return _("%(who)s 的专业为 %(has)s，%(what)s 需要 %(skill)s。") % {
            "who": who,
            "has": "、".join(skills) or _("未填写"),
            "what": what,
            "skill": r.skill,
        }
    if r.rule == 2:
        return _("%(what)s 须在 %(window)s 内完成，调整后为 %(when)s。") % {
            "what": what,
            "window": names.days(*r.window),
            "when": when,
        }
    if r.rule == 3:
        avail = "、".join(names.days(a, b) for a, b in r.available) or _("无")
        return _(
            "%(who)s 本期可出诊 %(avail)s；从 %(home)s 到 %(site)s 单程 %(t)s 天，"
            "%(when)s 加上往返路程不在其中一段可出诊时间内。"
        ) % {
            "who": who,
            "avail": avail,
            "home": names.site(r.home),
            "site": names.site(r.site),
            "t": r.travel_in,
            "when": when,
        }
    if r.rule == 4:
        others = [
            _("%(what)s（%(when)s，两地路程 %(t)s 天）")
            % {"what": names.demand(c.demand), "when": names.days(c.start, c.end), "t": c.travel}
            for c in r.clashes
        ]
        return _("%(who)s 在 %(when)s 的安排与 %(others)s 冲突。") % {
            "who": who,
            "when": when,
            "others": "、".join(others) or _("其他安排"),
        }
    return _("%(who)s 本期共 %(total)s 天，上限 %(max)s 天。") % {
        "who": who,
        "total": r.total_days,
        "max": r.max_days,
    }


def edit_refusal(names: Names, r: explain.Reason) -> str:
    """Why an edit is refused: the rule's name, then the facts."""
    return _("不能这样调整：%(rule)s。%(why)s") % {"rule": _(RULES[r.rule]), "why": why(names, r)}
