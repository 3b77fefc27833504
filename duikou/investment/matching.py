"""Matching enterprises to policies, exactly as templates.md "Matching" says, with reasons.

A policy is eligible for an enterprise on a date when it is valid that day, its 适用行业 is
empty or names the enterprise's division or section, and the enterprise's 意向投资额 is at least
its 最低投资额 where both are given. Only eligible policies are recommended; they rank division
above section above all-industry, then by the words the enterprise's 投资意向/主营产品 share with
the policy's title and text (segmented by jieba; stopwords and single characters dropped).

A region-specific policy (适用地区 a county): the enterprise's intended place is not on the list,
so such a policy is recommended like any other, with its region among the reasons ("仅适用于
都兰县") for the officer to weigh. A deal placed elsewhere can still apply it; nothing hides it.
A policy ending within 90 days of the date is flagged (and says so in its reasons).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import gettext as _

from duikou.investment.models import Enterprise, Policy
from duikou.lib.money import WAN

EXPIRING_DAYS = 90
LEVELS = {"division": 2, "section": 1, "all": 0}
# Words the segmenter should keep whole: the programme's own vocabulary.
DOMAIN_WORDS = [
    "绿色算力",
    "算力",
    "数据中心",
    "零碳",
    "低碳",
    "光伏",
    "储能",
    "风电",
    "光热",
    "氢能",
    "绿电",
    "盐湖",
    "锂电",
    "碳酸锂",
    "新能源",
    "天文",
    "观测基地",
    "枸杞",
    "藜麦",
    "文旅",
    "冷链",
]
STOPWORDS = frozenset(
    """的 了 和 与 及 或 等 对 在 为 以 于 由 从 向 按 将 把 被 其 该 本 每 各 个 上 下 中 内 外
    年 月 日 元 万元 亿元 企业 项目 政策 投资 海西 海西州 青海 青海省 支持 给予 相关 有关 建设
    发展 实施 办法 若干 措施 关于 印发 通知 意见 规定 暂行 试行 进一步 加快 推动 促进 鼓励 重点
    按照 根据 符合 条件 可以 应当 不 超过 最高 以上 以下 一次性 每年 新 落地 引进 浙江 主要 产品
    生产 研发 销售 服务 领域 方面 工作 我州 本州 全州 州 使用 新建 降低 成本 优先 保障 项目 给予
    企业 本地 本地化 开发 基地 示范 综合 利用 加工 已到期 到期 一体化 配套 设施""".split()
)

_lock = threading.Lock()
_jieba = None


def _segmenter():
    """jieba, imported and given the domain words once (its dictionary loads in about a second)."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                # jieba prints through a handler of its own, which would bypass the log
                # filter that masks personal data: its lines go to the configured handlers.
                for handler in list(jieba.default_logger.handlers):
                    jieba.default_logger.removeHandler(handler)
                for word in DOMAIN_WORDS:
                    jieba.add_word(word)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def keywords(text: str) -> set[str]:
    """The words of a text worth matching on."""
    return set(_keywords(text)) if text else set()


@lru_cache(maxsize=4096)
def _keywords(text: str) -> frozenset[str]:
    # Cached by text: a page or the demo matches the same policy texts many times over.
    words = set()
    for word in _segmenter().lcut(text):
        word = word.strip()
        if len(word) < 2 or word in STOPWORDS or word.isdigit():
            continue
        if not any("\u4e00" <= ch <= "\u9fff" or ch.isalpha() for ch in word):
            continue
        words.add(word.lower())
    return frozenset(words)


def enterprise_words(enterprise: Enterprise) -> set[str]:
    return keywords(f"{enterprise.intentions}\n{enterprise.products}")


def policy_words(policy: Policy) -> set[str]:
    return keywords(f"{policy.title}\n{policy.text}")


def wan_text(yuan: Decimal) -> str:
    """3,000 万元 (no decimals unless the amount has them)."""
    wan = yuan / WAN
    text = f"{wan:,.6f}".rstrip("0").rstrip(".")
    return _("%(n)s 万元") % {"n": text}


@dataclass
class Recommendation:
    policy: Policy
    level: str
    score: int
    shared: list[str]
    reasons: list[str] = field(default_factory=list)
    expiring: bool = False

    def sort_key(self) -> tuple:
        return (-LEVELS[self.level], -self.score, self.policy.title, self.policy.pk)

    def as_json(self) -> dict:
        return {
            "title": self.policy.title,
            "doc_no": self.policy.doc_no,
            "level": self.level,
            "score": self.score,
            "reasons": self.reasons,
        }


def level_of(policy: Policy, enterprise: Enterprise) -> str | None:
    """division / section / all, or None when the policy names other industries only."""
    industries = policy.industries or []
    if not industries:
        return "all"
    if enterprise.industry_division and enterprise.industry_division in industries:
        return "division"
    if enterprise.industry_section in industries:
        return "section"
    return None


def eligible(policy: Policy, enterprise: Enterprise, on: dt.date) -> str | None:
    """The policy's level for the enterprise on the date, or None if it is not eligible."""
    if not policy.valid_on(on):
        return None
    if (
        policy.min_investment is not None
        and enterprise.intended_investment is not None
        and enterprise.intended_investment < policy.min_investment
    ):
        return None
    return level_of(policy, enterprise)


def _recommend_one(
    policy: Policy, enterprise: Enterprise, on: dt.date, mine: set[str], theirs: set[str]
) -> Recommendation | None:
    level = eligible(policy, enterprise, on)
    if level is None:
        return None
    shared = sorted(mine & theirs)
    rec = Recommendation(policy=policy, level=level, score=len(shared), shared=shared)
    if level == "division":
        rec.reasons.append(_("行业大类 %(d)s 相符") % {"d": enterprise.industry_division})
    elif level == "section":
        rec.reasons.append(_("行业门类 %(s)s 相符") % {"s": enterprise.industry_section})
    else:
        rec.reasons.append(_("适用所有行业"))
    if policy.min_investment is not None and enterprise.intended_investment is not None:
        rec.reasons.append(
            _("意向投资额 %(a)s ≥ 最低 %(b)s")
            % {
                "a": wan_text(enterprise.intended_investment),
                "b": wan_text(policy.min_investment),
            }
        )
    if shared:
        rec.reasons.append(_("共同关键词：%(w)s") % {"w": "、".join(shared)})
    if policy.valid_to is None:
        rec.reasons.append(_("长期有效"))
    else:
        rec.reasons.append(_("有效期至 %(d)s") % {"d": policy.valid_to.isoformat()})
        if (policy.valid_to - on).days <= EXPIRING_DAYS:
            rec.expiring = True
            rec.reasons.append(_("即将失效：%(n)s 天内到期") % {"n": (policy.valid_to - on).days})
    if policy.region_id:
        rec.reasons.append(_("仅适用于%(r)s") % {"r": policy.region.name})
    return rec


def recommend(
    enterprise: Enterprise, policies: Iterable[Policy], on: dt.date
) -> list[Recommendation]:
    """The eligible policies for the enterprise on the date, best first, with reasons."""
    mine = enterprise_words(enterprise)
    recs = []
    for policy in policies:
        rec = _recommend_one(policy, enterprise, on, mine, policy_words(policy))
        if rec is not None:
            recs.append(rec)
    return sorted(recs, key=Recommendation.sort_key)


def suited(
    policy: Policy, enterprises: Iterable[Enterprise], on: dt.date
) -> list[tuple[Enterprise, Recommendation]]:
    """The enterprises the policy suits on the date, best first (the same rule, turned round)."""
    theirs = policy_words(policy)
    found = []
    for enterprise in enterprises:
        rec = _recommend_one(policy, enterprise, on, enterprise_words(enterprise), theirs)
        if rec is not None:
            found.append((enterprise, rec))
    return sorted(
        found, key=lambda er: (-LEVELS[er[1].level], -er[1].score, er[0].organisation.name)
    )


def match_json(enterprise: Enterprise, policies: Iterable[Policy], on: dt.date) -> dict:
    """The `duikou match --json` document of templates.md."""
    return {
        "enterprise": {"name": enterprise.name, "code": enterprise.code},
        "on": on.isoformat(),
        "policies": [r.as_json() for r in recommend(enterprise, policies, on)],
    }
