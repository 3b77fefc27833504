"""The year-end summary (工作综述), generated from the figures: sections of sentences in the
register of a Chinese government summary, tables, charts, and an appendix (数据来源) with an
entry for every number stated.

The document is a plain JSON-able dict (stored with the report, rendered by `render.py`):

    {"year", "title", "generated_at", "empty",
     "sections": [{"id", "heading", "paragraphs": [[str | {"t": "1407万元", "ref": 3}, …]],
                   "tables": [{"title", "headers", "rows", "ref"}],
                   "charts": [{"title", "labels", "values", "unit", "ref"}],
                   "notes": [str]}],
     "sources": [{"n", "label", "value", "key", "definition", "filter", "records", "link",
                  "entered", "source"}]}

The text is the document's own language, Chinese, like the seed article it follows; the page
around it is translated. A figure whose ledger has no data is left out with a note.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from duikou.core.vocab import Field
from duikou.lib.money import WAN, format_report
from duikou.reports import figures

# Section ids, in the order of the seed article; the narrative is edited per section.
SECTION_IDS = (
    "overview",
    "medical",
    "investment",
    "consumption",
    "exchanges",
    "projects",
    "funds",
    "plan",
)

NUMERALS = "一二三四五六七八九十"
# The programme the documents are titled by (the demo's; one place to change for another pairing).
PROGRAMME = "浙江省对口支援海西州"


def _zero(amount: str | None) -> bool:
    return not amount or Decimal(amount) == 0


def _leaf(key: str, leaf: str) -> str:
    """A category's count and amount are two figures: projects.by_category.教育.count / .aid."""
    if key.startswith(("projects.by_category.", "planned.by_category.")):
        return f"{key}.{leaf}"
    if key == "deals":
        return "deals.signed" if leaf == "aid" else "deals.signed_count"
    return key


class _Builder:
    """Collects sections and numbers each figure's appendix entry on first use."""

    def __init__(self, year: int, data: dict):
        self.year = year
        self.data = data
        self.sources: list[dict] = []
        self._by_key: dict[str, int] = {}
        self.sections: list[dict] = []

    def ref(self, key: str, label: str, value: str) -> int:
        if key not in self._by_key:
            entry = figures.trace(key, self.year, self.data)
            entry.update(n=len(self.sources) + 1, label=label, value=value)
            self.sources.append(entry)
            self._by_key[key] = entry["n"]
        return self._by_key[key]

    def fig(self, key: str, label: str, text: str) -> dict:
        """A number as stated in a sentence, with its appendix reference."""
        return {"t": text, "ref": self.ref(key, label, text)}

    def money(self, key: str, label: str, yuan: str) -> dict:
        return self.fig(_leaf(key, "aid"), label, format_report(Decimal(yuan)))

    def count(self, key: str, label: str, n: int, word: str) -> dict:
        return self.fig(_leaf(key, "count"), label, f"{n}{word}")

    def section(self, sid: str, title: str) -> dict:
        heading = f"{NUMERALS[len(self.sections)]}、{title}"
        sec = {"id": sid, "heading": heading, "paragraphs": [], "tables": [], "charts": []}
        sec["notes"] = []
        self.sections.append(sec)
        return sec


def _join(parts: list) -> list:
    """Clauses joined by Chinese commas into one sentence ending with a full stop."""
    out: list = []
    for i, clause in enumerate(parts):
        if i:
            out.append("，")
        out.extend(clause if isinstance(clause, list) else [clause])
    out.append("。")
    return out


def _has_records(data: dict) -> bool:
    d = data
    return bool(
        d.get("projects", {}).get("count")
        or any(not _zero(v) for v in d.get("flows", {}).values())
        or d.get("postings", {}).get("count")
        or d.get("trainings", {}).get("count")
        or d.get("pairings", {}).get("count")
        or d.get("deals", {}).get("signed_count")
        or d.get("orders", {}).get("posted")
        or (d.get("sales") and not _zero(d["sales"].get("sold")))
        or (d.get("events") and d["events"].get("by_kind"))
    )


def _big(value: str) -> str:
    """A large count as summaries write it: 1100000 → 110万; others unchanged."""
    try:
        n = Decimal(value)
    except ArithmeticError:
        return value
    if n >= 100_000 and n % 100 == 0:
        text = format(n / 10_000, "f")
        return (text.rstrip("0").rstrip(".") if "." in text else text) + "万"
    return value


def _wan(yuan: str) -> str:
    """万元 with two decimals for tables (exact to the 分 of a 万元 column: 1407.00)."""
    return f"{(Decimal(yuan) / WAN).quantize(Decimal('0.01')):,}"


def _overview(b: _Builder) -> None:
    d, y = b.data, b.year
    sec = b.section("overview", "总体情况")
    p = d["projects"]
    clauses: list = []
    if p["count"]:
        clauses.append(
            [
                f"{y}年，全年安排援助资金",
                b.money("projects.aid", "年度项目援助资金", p["aid"]),
                "，实施援建项目",
                b.count("projects.count", "年度项目数", p["count"], "个"),
            ]
        )
    flows = d["flows"]
    if not _zero(flows.get("拨付")):
        clauses.append(
            [
                "全年下达资金",
                b.money("flows.下达", "年度下达资金", flows["下达"]),
                "、拨付资金",
                b.money("flows.拨付", "年度拨付资金", flows["拨付"]),
            ]
        )
    if d["postings"]["count"]:
        clauses.append(
            [
                "在岗援派干部人才",
                b.count("postings.count", "年度在岗援派人员", d["postings"]["count"], "名"),
            ]
        )
    if d["pairings"]["count"]:
        clauses.append(
            [
                "各类结对关系",
                b.count("pairings.count", "年度结对关系", d["pairings"]["count"], "对"),
            ]
        )
    if clauses:
        sec["paragraphs"].append(_join(clauses))
    else:
        sec["notes"].append(f"{y}年没有项目、资金、人员或结对记录。")


def _medical(b: _Builder) -> None:
    d = b.data
    sec = b.section("medical", "医疗卫生和教育人才支援")
    kinds = d["postings"]["by_kind"]
    pairs = d["pairings"]["by_kind"]
    cats = d["projects"]["by_category"]
    fields = d["trainings"].get("by_field", {})
    # Medical: 组团式 help, 以院包科, postings, projects, trainings, new techniques.
    med: list = []
    if pairs.get("医院-科室"):
        med.append(
            [
                "深化“组团式”医疗帮扶，",
                b.count("pairings.by_kind.医院-科室", "以院包科结对", pairs["医院-科室"], "家"),
                "浙江医院以院包科结对帮扶受援医院重点科室",
            ]
        )
    docs = [
        ("专业技术人才", "选派省派援青医生"),
        ("短期支援", "各结对市选派3个月以上短期医务人员"),
    ]
    for kind, words in docs:
        n = kinds.get(kind, {}).get("医疗")
        if n:
            key = f"postings.by_kind.{kind}.医疗"
            med.append([words, b.count(key, f"{kind}（医疗）", n, "名")])
    n = kinds.get("柔性帮扶", {}).get("医疗")
    if n:
        med.append(
            [
                "柔性帮扶医疗专家",
                b.count("postings.by_kind.柔性帮扶.医疗", "柔性帮扶（医疗）", n, "名"),
            ]
        )
    if med:
        sec["paragraphs"].append(_join(med))
    med2: list = []
    if "医疗卫生" in cats:
        c = cats["医疗卫生"]
        med2.append(
            [
                "投入资金",
                b.money("projects.by_category.医疗卫生", "医疗卫生项目援助资金", c["aid"]),
                "，实施医疗卫生能力提升项目",
                b.count("projects.by_category.医疗卫生", "医疗卫生项目", c["count"], "个"),
            ]
        )
    if fields.get("医疗"):
        med2.append(
            [
                "选派",
                b.count("trainings.by_field.医疗", "医疗跟岗培训", fields["医疗"], "名"),
                "医务人员赴浙江跟岗培训",
            ]
        )
    new_tech = d["achievements"].get("by_kind", {}).get("新技术")
    if new_tech:
        med2.append(
            [
                "开展新技术新项目",
                b.count("achievements.by_kind.新技术", "新技术", new_tech, "项"),
                "，填补州内空白",
            ]
        )
    if med2:
        sec["paragraphs"].append(_join(med2))
    orders = d.get("orders") or {}
    if orders.get("posted"):
        sec["paragraphs"].append(
            _join(
                [
                    [
                        "推行“点单式”名医坐诊，受援单位发布需求",
                        b.count("orders.posted", "点单需求", orders["posted"], "项"),
                    ],
                    [
                        "已完成服务",
                        b.count("orders.served", "已服务点单", orders["served"], "项"),
                    ],
                ]
            )
        )
    else:
        sec["notes"].append(f"{b.year}年没有点单需求记录，专家点单情况未列入。")
    # Education: projects, flexible experts, principals' training, school and college pairings.
    edu: list = []
    if "教育" in cats:
        c = cats["教育"]
        edu.append(
            [
                "实施文化教育项目",
                b.count("projects.by_category.教育", "教育项目", c["count"], "个"),
                "，投入资金",
                b.money("projects.by_category.教育", "教育项目援助资金", c["aid"]),
            ]
        )
    n = kinds.get("柔性帮扶", {}).get("教育")
    if n:
        edu.append(
            [
                "选派柔性支援教育专家",
                b.count("postings.by_kind.柔性帮扶.教育", "柔性帮扶（教育）", n, "名"),
            ]
        )
    if fields.get("教育"):
        edu.append(
            [
                "选派",
                b.count("trainings.by_field.教育", "教育跟岗培训", fields["教育"], "名"),
                "教育人员赴浙江跟岗培训",
            ]
        )
    if pairs.get("学校-学校"):
        edu.append(
            [
                "促成浙青职业学校结对",
                b.count("pairings.by_kind.学校-学校", "学校结对", pairs["学校-学校"], "对"),
            ]
        )
    if pairs.get("院校-院校"):
        edu.append(
            [
                b.count("pairings.by_kind.院校-院校", "院校结对", pairs["院校-院校"], "所"),
                "浙江高职院校与海西院校结对",
            ]
        )
    classes = d.get("offsite_classes")
    if classes and classes.get("count"):
        edu.append(
            [
                "新增异地班专业",
                b.count("offsite_classes.majors", "异地班专业", len(classes["majors"]), "个"),
                "，招收学生",
                b.count("offsite_classes.students", "异地班学生", classes["students"], "名"),
            ]
        )
    elif classes is None:
        sec["notes"].append("异地班台账尚未接入，异地班情况未列入。")
    if edu:
        sec["paragraphs"].append(_join(edu))
    if kinds:
        present = {f for fs in kinds.values() for f in fs}
        field_names = [f.value for f in Field if f.value in present]
        sec["tables"].append(
            {
                "title": "援派人员分类别分领域情况（名）",
                "headers": ["人员类别", *field_names, "合计"],
                "rows": [
                    [kind, *[str(fs.get(f, 0)) for f in field_names], str(sum(fs.values()))]
                    for kind, fs in kinds.items()
                ],
                "ref": b.ref("postings.count", "年度在岗援派人员", f"{d['postings']['count']}名"),
            }
        )
        sec["charts"].append(
            {
                "title": "援派人员分类别情况（名）",
                "labels": list(kinds),
                "values": [sum(fs.values()) for fs in kinds.values()],
                "unit": "名",
                "ref": b.ref("postings.count", "年度在岗援派人员", f"{d['postings']['count']}名"),
            }
        )


def _investment(b: _Builder) -> None:
    deals = b.data.get("deals") or {}
    lists = b.data.setdefault("investment_lists", figures.investment_lists(b.year))
    sec = b.section("investment", "精准招商")
    if not deals.get("signed_count"):
        sec["notes"].append(f"{b.year}年没有签约招商项目记录，招商情况未列入。")
        return
    clauses: list = []
    if lists["enterprises"] and lists["policies"]:
        clauses.append(
            [
                "建立“两个清单”，梳理浙江重点企业",
                b.count("investment_lists.enterprises", "企业清单", lists["enterprises"], "家"),
                "、海西招商政策",
                b.count("investment_lists.policies", "政策清单", lists["policies"], "项"),
            ]
        )
    if lists["events"]:
        clauses.append(
            [
                "举办招商推介会",
                b.count("investment_lists.events", "推介会", lists["events"], "场"),
            ]
        )
    clauses.append(
        [
            "全年签约招商项目",
            b.count("deals", "签约招商项目", deals["signed_count"], "个"),
            "，签约金额",
            b.money("deals", "签约招商金额", deals["signed"]),
        ]
    )
    started = deals.get("by_stage", {})
    moving = sum(n for stage, n in started.items() if stage != "签约")
    if moving:
        clauses.append(
            [
                "其中年底前已开工或资金到位",
                b.count("deals.by_stage", "年末推进阶段", moving, "个"),
            ]
        )
    sec["paragraphs"].append(_join(clauses))


def _consumption(b: _Builder) -> None:
    d = b.data
    sec = b.section("consumption", "消费帮扶")
    sales, outlets = d.get("sales"), d.get("outlets")
    if sales is None and outlets is None:
        sec["notes"].append("消费帮扶台账尚未接入，销售和门店情况未列入。")
        return
    clauses: list = []
    if outlets and outlets.get("门店"):
        clauses.append(
            [
                "推进消费帮扶门店建设，年末门店达",
                b.count("outlets.门店", "销售门店", outlets["门店"], "家"),
            ]
        )
    if sales and not _zero(sales.get("sold")):
        clauses.append(
            [
                "全年销售海西农畜产品",
                b.money("sales.sold", "消费帮扶销售额", sales["sold"]),
            ]
        )
        expo = sales.get("by_channel_kind", {}).get("展会")
        if expo and not _zero(expo):
            clauses.append(
                [
                    "其中展会现场销售",
                    b.money("sales.by_channel_kind.展会", "展会销售额", expo),
                ]
            )
        if not _zero(sales.get("ordered")):
            clauses.append(
                [
                    "达成订单",
                    b.money("sales.ordered", "消费帮扶订单额", sales["ordered"]),
                ]
            )
        by_kind = {k: v for k, v in sales.get("by_channel_kind", {}).items() if not _zero(v)}
        if by_kind:
            ref = b.ref("sales.sold", "消费帮扶销售额", format_report(Decimal(sales["sold"])))
            sec["tables"].append(
                {
                    "title": "消费帮扶分渠道销售情况（万元）",
                    "headers": ["渠道类型", "销售额（万元）"],
                    "rows": [[k, _wan(v)] for k, v in by_kind.items()],
                    "ref": ref,
                }
            )
            sec["charts"].append(
                {
                    "title": "消费帮扶分渠道销售额（万元）",
                    "labels": list(by_kind),
                    "values": [float(Decimal(v) / WAN) for v in by_kind.values()],
                    "unit": "万元",
                    "ref": ref,
                }
            )
    if clauses:
        sec["paragraphs"].append(_join(clauses))
    else:
        sec["notes"].append(f"{b.year}年没有消费帮扶销售记录。")


def _exchanges(b: _Builder) -> None:
    d = b.data
    sec = b.section("exchanges", "交往交流交融")
    events, indicators = d.get("events"), d.get("indicators")
    if events is None and indicators is None:
        sec["notes"].append("交往交流交融台账尚未接入，活动和指标情况未列入。")
        return
    clauses: list = []
    by_kind = (events or {}).get("by_kind", {})
    if by_kind:
        parts: list = ["组织开展"]
        for i, (kind, n) in enumerate(by_kind.items()):
            if i:
                parts.append("、")
            parts.extend([kind, b.count(f"events.by_kind.{kind}", f"交流活动（{kind}）", n, "场")])
        parts.append("等交往交流交融活动")
        clauses.append(parts)
    for name, ind in (indicators or {}).items():
        clauses.append(
            [
                f"{name}达",
                b.fig(f"indicators.{name}", name, f"{_big(ind['value'])}{ind.get('unit', '')}"),
            ]
        )
    if clauses:
        sec["paragraphs"].append(_join(clauses))
    else:
        sec["notes"].append(f"{b.year}年没有交往交流交融活动或指标记录。")


def _projects(b: _Builder) -> None:
    d = b.data
    sec = b.section("projects", "民生和产业项目")
    cats = d["projects"]["by_category"]
    clauses: list = []
    if "保障和改善民生" in cats:
        c = cats["保障和改善民生"]
        clauses.append(
            [
                "下达保障和改善民生类项目资金",
                b.money("projects.by_category.保障和改善民生", "民生项目援助资金", c["aid"]),
                "，实施民生项目",
                b.count("projects.by_category.保障和改善民生", "民生项目", c["count"], "个"),
            ]
        )
    if "产业支援" in cats:
        c = cats["产业支援"]
        rows = figures.project_rows(b.year, category="产业支援")
        names = "、".join(r["name"] for r in rows[:4])
        done = sum(1 for r in rows if r["status"] in ("完工", "验收"))
        tail = "，均已初步建成" if rows and done == len(rows) else f"，其中{done}个已完工"
        clauses.append(
            [
                f"实施{names}等产业项目" if names else "实施产业项目",
                b.count("projects.by_category.产业支援", "产业项目", c["count"], "个"),
                "，投入资金",
                b.money("projects.by_category.产业支援", "产业项目援助资金", c["aid"]),
                tail,
            ]
        )
    if clauses:
        sec["paragraphs"].append(_join(clauses))
    else:
        sec["notes"].append(f"{b.year}年没有民生或产业项目记录。")
    if cats:
        ref = b.ref(
            "projects.aid", "年度项目援助资金", format_report(Decimal(d["projects"]["aid"]))
        )
        sec["tables"].append(
            {
                "title": "项目资金分类别情况",
                "headers": ["类别", "项目数（个）", "援助资金（万元）"],
                "rows": [
                    *([k, str(v["count"]), _wan(v["aid"])] for k, v in cats.items()),
                    ["合计", str(d["projects"]["count"]), _wan(d["projects"]["aid"])],
                ],
                "ref": ref,
            }
        )
        counties = d.get("projects_by_county", {})
        sec["tables"].append(
            {
                "title": "项目资金分县市情况",
                "headers": ["县市", "项目数（个）", "援助资金（万元）"],
                "rows": [
                    *([k, str(v["count"]), _wan(v["aid"])] for k, v in counties.items()),
                    ["合计", str(d["projects"]["count"]), _wan(d["projects"]["aid"])],
                ],
                "ref": ref,
            }
        )
        sec["charts"].append(
            {
                "title": "项目援助资金分县市情况（万元）",
                "labels": list(counties),
                "values": [float(Decimal(v["aid"]) / WAN) for v in counties.values()],
                "unit": "万元",
                "ref": ref,
            }
        )


def _funds(b: _Builder) -> None:
    d = b.data
    sec = b.section("funds", "资金管理")
    flows = d["flows"]
    if all(_zero(v) for v in flows.values()):
        sec["notes"].append(f"{b.year}年没有资金流水记录。")
        return
    overall = d.get("project_indicators", {}).get("overall", {})
    clauses: list = [
        [
            "全年下达资金",
            b.money("flows.下达", "年度下达资金", flows["下达"]),
            "，拨付资金",
            b.money("flows.拨付", "年度拨付资金", flows["拨付"]),
            "，完成支出",
            b.money("flows.支出", "年度支出", flows["支出"]),
        ]
    ]
    if overall.get("资金拨付率"):
        clauses.append(
            [
                "年度项目资金拨付率",
                b.fig(
                    "project_indicators.overall.资金拨付率",
                    "资金拨付率",
                    f"{overall['资金拨付率']}%",
                ),
            ]
        )
    sec["paragraphs"].append(_join(clauses))
    ref = b.ref("flows.拨付", "年度拨付资金", format_report(Decimal(flows["拨付"])))
    sec["charts"].append(
        {
            "title": "资金下达、拨付和支出情况（万元）",
            "labels": list(flows),
            "values": [float(Decimal(v) / WAN) for v in flows.values()],
            "unit": "万元",
            "ref": ref,
        }
    )


def _plan(b: _Builder, following: dict) -> None:
    sec = b.section("plan", f"{b.year + 1}年工作计划")
    clauses: list = []
    if following["projects"]:
        b.data.setdefault("planned", following)
        clauses.append(
            [
                f"{b.year + 1}年计划安排援建项目",
                b.count("planned.projects", "下一年度计划项目", following["projects"], "个"),
                "，援助资金",
                b.money("planned.aid", "下一年度计划援助资金", following["aid"]),
            ]
        )
    if following["batches"]:
        clauses.append(f"做好{'、'.join(following['batches'])}援派干部人才选派和轮换工作")
    if clauses:
        sec["paragraphs"].append(_join(clauses))
    else:
        sec["notes"].append(f"平台中尚无{b.year + 1}年计划项目或援派批次记录。")


def build(year: int, data: dict | None = None) -> dict:
    """The summary of `year` from its figures (computed over the whole programme unless given)."""
    data = dict(data if data is not None else figures.compute(year))
    b = _Builder(year, data)
    title = f"{year}年{PROGRAMME}工作综述"
    doc = {
        "year": year,
        "title": title,
        "generated_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "empty": False,
        "sections": b.sections,
        "sources": b.sources,
    }
    if not _has_records(data):
        doc["empty"] = True
        sec = b.section("overview", "总体情况")
        sec["paragraphs"].append(
            [
                f"平台中没有{year}年的对口支援工作记录（项目、资金、人员、结对、招商、消费帮扶），"
                "因此本年度综述没有可陈述的数字。"
            ]
        )
        return doc
    _overview(b)
    _medical(b)
    _investment(b)
    _consumption(b)
    _exchanges(b)
    _projects(b)
    _funds(b)
    _plan(b, figures.planned(year + 1))
    return doc


def apply_edits(doc: dict, edits: dict[str, str]) -> dict:
    """The document with the paragraphs of each edited section replaced by the edited text
    (paragraphs split on blank lines; 〔n〕 marks stay references to appendix entry n)."""
    import re

    ref = re.compile(r"〔(\d+)〕")
    known = {s["n"] for s in doc["sources"]}
    out = dict(doc, sections=[])
    for sec in doc["sections"]:
        text = (edits or {}).get(sec["id"])
        if text is None or not text.strip():
            out["sections"].append(sec)
            continue
        paragraphs = []
        for block in re.split(r"\n\s*\n", text.strip()):
            segs: list = []
            pos = 0
            for m in ref.finditer(block):
                n = int(m[1])
                if n not in known:
                    continue
                before = block[pos : m.start()]
                # The reference belongs to the number right before it.
                num = re.search(r"[\d.,%]+[^\d\s，。、；（）〔〕]{0,3}$", before)
                if num:
                    segs.append(before[: num.start()])
                    segs.append({"t": num[0], "ref": n})
                else:
                    segs.append(before)
                    segs.append({"t": "", "ref": n})
                pos = m.end()
            segs.append(block[pos:])
            paragraphs.append([s for s in segs if s != ""])
        out["sections"].append(dict(sec, paragraphs=paragraphs, edited=True))
    return out


def narrative(sec: dict) -> str:
    """A section's paragraphs as editable text: references written 〔n〕 after their number."""
    out = []
    for para in sec["paragraphs"]:
        out.append("".join(s if isinstance(s, str) else f"{s['t']}〔{s['ref']}〕" for s in para))
    return "\n\n".join(out)
