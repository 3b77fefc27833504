"""The summary document (summary.py) written as Markdown, HTML, Word (python-docx) or PDF
(the Word file converted by LibreOffice headless)."""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path

from duikou.reports import charts

FORMATS = ("md", "html", "docx", "pdf")
BODY_FONT = "仿宋"  # East Asian body text, as government documents set it (仿宋_GB2312 style)
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"


class RenderError(Exception):
    """The document could not be written in the format asked (e.g. no LibreOffice)."""


def _ref_mark(n: int) -> str:
    return f"〔{n}〕"


def _para_text(para: list, mark=_ref_mark, esc=lambda s: s) -> str:
    out = []
    for seg in para:
        if isinstance(seg, str):
            out.append(esc(seg))
        else:
            out.append(esc(seg["t"]) + mark(seg["ref"]))
    return "".join(out)


def _records(entry: dict) -> str:
    return "—" if entry["records"] is None else str(entry["records"])


def _source_lines(entry: dict) -> list[str]:
    lines = [
        f"{entry['label']}：{entry['value']}",
        f"数据项：{entry['key']}",
        f"口径：{entry['definition']}",
        f"筛选条件：{entry['filter']}",
    ]
    if entry.get("entered"):
        lines.append(f"人工录入指标，来源文件：{entry.get('source') or '未注明'}")
    else:
        lines.append(f"记录数：{_records(entry)}")
    if entry.get("link"):
        lines.append(f"平台查询：{entry['link']}")
    return lines


def _chart_notes(doc: dict) -> list[str]:
    if any(sec["charts"] for sec in doc["sections"]) and charts.font_path() is None:
        return ["（本机未安装中文字体，图表未生成。）"]
    return []


def to_markdown(doc: dict) -> str:
    out = [f"# {doc['title']}", "", f"生成时间：{doc['generated_at']}", ""]
    for sec in doc["sections"]:
        out += [f"## {sec['heading']}", ""]
        for para in sec["paragraphs"]:
            out += [_para_text(para), ""]
        for note in sec["notes"]:
            out += [f"> 说明：{note}", ""]
        for table in sec["tables"]:
            out += [f"**{table['title']}**{_ref_mark(table['ref'])}", ""]
            out.append("| " + " | ".join(table["headers"]) + " |")
            out.append("|" + "---|" * len(table["headers"]))
            out += ["| " + " | ".join(row) + " |" for row in table["rows"]]
            out.append("")
    out += _chart_notes(doc)
    if doc["sources"]:
        out += ["## 附录：数据来源", ""]
        for entry in doc["sources"]:
            lines = _source_lines(entry)
            out.append(f"{_ref_mark(entry['n'])} {lines[0]}")
            out += [f"    - {line}" for line in lines[1:]]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def to_html(doc: dict, base_url: str = "") -> str:
    """A standalone HTML document (styles in its head, charts as data: images)."""

    def mark(n: int) -> str:
        return f'<sup><a href="#src-{n}">〔{n}〕</a></sup>'

    body = [
        f"<h1>{escape(doc['title'])}</h1>",
        f"<p class=meta>生成时间：{doc['generated_at']}</p>",
    ]
    for sec in doc["sections"]:
        body.append(f"<h2>{escape(sec['heading'])}</h2>")
        body += [f"<p>{_para_text(p, mark, escape)}</p>" for p in sec["paragraphs"]]
        body += [f"<p class=note>说明：{escape(n)}</p>" for n in sec["notes"]]
        for table in sec["tables"]:
            body.append(f"<table><caption>{escape(table['title'])}{mark(table['ref'])}</caption>")
            body.append("<tr>" + "".join(f"<th>{escape(h)}</th>" for h in table["headers"]))
            for row in table["rows"]:
                body.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row))
            body.append("</table>")
        for chart in sec["charts"]:
            png = charts.bar_png(chart["title"], chart["labels"], chart["values"])
            if png:
                data = base64.b64encode(png).decode()
                body.append(
                    f'<figure><img alt="{escape(chart["title"])}" src="data:image/png;base64,'
                    f'{data}"><figcaption>{escape(chart["title"])}{mark(chart["ref"])}'
                    "</figcaption></figure>"
                )
    body += [f"<p class=note>{escape(n)}</p>" for n in _chart_notes(doc)]
    if doc["sources"]:
        body.append("<h2>附录：数据来源</h2><ol class=sources>")
        for entry in doc["sources"]:
            lines = _source_lines(entry)
            items = []
            for line in lines[1:]:
                if entry.get("link") and line.endswith(entry["link"]):
                    url = escape(base_url + entry["link"])
                    items.append(f'平台查询：<a href="{url}">{url}</a>')
                else:
                    items.append(escape(line))
            body.append(
                f'<li id="src-{entry["n"]}" value="{entry["n"]}">{escape(lines[0])}<br>'
                + "<br>".join(items)
                + "</li>"
            )
        body.append("</ol>")
    style = (
        "body{font-family:'FangSong','仿宋','Noto Serif CJK SC',serif;max-width:46em;"
        "margin:2em auto;line-height:1.8}h1,h2{font-family:'SimHei','黑体','Noto Sans CJK SC',"
        "sans-serif}h1{text-align:center}p{text-indent:2em}p.meta,p.note{text-indent:0;"
        "color:#555}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #888;"
        "padding:.2em .6em}td{text-align:right}td:first-child{text-align:left}"
        "figure img{max-width:100%}ol.sources{font-size:.9em}"
    )
    return (
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
        f"<title>{escape(doc['title'])}</title><style>{style}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )


# Word ----------------------------------------------------------------------------------------


def _set_fonts(style_or_run, east_asia: str, size_pt: float | None = None, bold=None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = style_or_run.font
    font.name = LATIN_FONT
    if size_pt:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    element = style_or_run.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    # Simplified Chinese text: where 仿宋/黑体 are missing, the fallback font is a Chinese one
    # (LibreOffice otherwise falls back to a Japanese face with its own glyph forms).
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:val"), "zh-CN")


def _page_number(paragraph) -> None:
    """A PAGE field: Word and LibreOffice fill in the number."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _add_para(document, para: list, first_line_indent=True):
    from docx.shared import Pt

    p = document.add_paragraph()
    if first_line_indent:
        p.paragraph_format.first_line_indent = Pt(32)
    for seg in para:
        if isinstance(seg, str):
            p.add_run(seg)
        else:
            p.add_run(seg["t"])
            sup = p.add_run(_ref_mark(seg["ref"]))
            sup.font.superscript = True
    return p


def _installed(family: str) -> bool:
    """Is a font family installed (fontconfig)? Used for the PDF only."""
    if not shutil.which("fc-list"):
        return False
    try:
        found = subprocess.run(
            ["fc-list", f":family={family}", "family"], capture_output=True, timeout=20
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(found.strip())


def pdf_fonts() -> tuple[str, str]:
    """(body, heading) East Asian fonts for the PDF: 仿宋/黑体 where the server has them, else
    the Simplified Chinese Noto faces (fonts-noto-cjk), serif standing in for 仿宋."""
    body = BODY_FONT if _installed(BODY_FONT) else "Noto Serif CJK SC"
    heading = HEADING_FONT if _installed(HEADING_FONT) else "Noto Sans CJK SC"
    return body, heading


def to_docx(doc: dict, fonts: tuple[str, str] = (BODY_FONT, HEADING_FONT)) -> bytes:
    """The Word file: A4, 仿宋 body and 黑体 headings for East Asian text (`fonts` overrides,
    for the PDF on a server without them), page numbers, tables and charts."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Cm, Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    styles = document.styles
    body_font, heading_font = fonts
    _set_fonts(styles["Normal"], body_font, 16)
    styles["Normal"].paragraph_format.line_spacing = Pt(28)
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 14)):
        _set_fonts(styles[name], heading_font, size, bold=False)
        styles[name].font.color.rgb = None
    for name in ("Table Grid", "Caption"):
        if name in [s.name for s in styles]:
            _set_fonts(styles[name], body_font, 12)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)

    title = document.add_paragraph(doc["title"], style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = document.add_paragraph(f"生成时间：{doc['generated_at']}")
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for sec in doc["sections"]:
        document.add_heading(sec["heading"], level=1)
        for para in sec["paragraphs"]:
            _add_para(document, para)
        for note in sec["notes"]:
            _add_para(document, [f"说明：{note}"])
        for table in sec["tables"]:
            cap = _add_para(document, [{"t": table["title"], "ref": table["ref"]}], False)
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
            grid = document.add_table(rows=1, cols=len(table["headers"]))
            grid.style = "Table Grid"
            grid.alignment = WD_TABLE_ALIGNMENT.CENTER
            for cell, text in zip(grid.rows[0].cells, table["headers"], strict=True):
                cell.text = text
            for row in table["rows"]:
                cells = grid.add_row().cells
                for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
                    cell.text = text
                    if i:
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for row in grid.rows:
                for cell in row.cells:
                    for p in cell.paragraphs:
                        p.paragraph_format.first_line_indent = Pt(0)
                        p.paragraph_format.line_spacing = Pt(20)
                        for run in p.runs:
                            run.font.size = Pt(12)
        for chart in sec["charts"]:
            png = charts.bar_png(chart["title"], chart["labels"], chart["values"])
            if png is None:
                continue
            pic = document.add_paragraph()
            pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
            # The body's exact 28 pt line would clip the picture to one line's height.
            pic.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            pic.add_run().add_picture(io.BytesIO(png), width=Cm(15))
            cap = _add_para(document, [{"t": chart["title"], "ref": chart["ref"]}], False)
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for note in _chart_notes(doc):
        _add_para(document, [note])
    if doc["sources"]:
        document.add_heading("附录：数据来源", level=1)
        for entry in doc["sources"]:
            lines = _source_lines(entry)
            p = document.add_paragraph()
            p.paragraph_format.line_spacing = Pt(20)
            head = p.add_run(f"{_ref_mark(entry['n'])} {lines[0]}")
            head.font.size = Pt(12)
            head.bold = True
            for line in lines[1:]:
                run = p.add_run("\n" + line)
                run.font.size = Pt(11)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def docx_to_pdf(docx: bytes, timeout: int = 180) -> bytes:
    """Convert with LibreOffice headless in a private profile (so runs never share a lock)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise RenderError("未安装 LibreOffice（soffice），无法生成 PDF")
    with tempfile.TemporaryDirectory(prefix="duikou-pdf-") as tmp:
        src = Path(tmp) / "summary.docx"
        src.write_bytes(docx)
        env = {**os.environ, "HOME": tmp}
        try:
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{tmp}/profile",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    tmp,
                    str(src),
                ],
                cwd=tmp,
                env=env,
                check=True,
                capture_output=True,
                timeout=timeout,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise RenderError(f"LibreOffice 转换 PDF 失败：{exc}") from exc
        out = Path(tmp) / "summary.pdf"
        if not out.exists():
            raise RenderError("LibreOffice 没有生成 PDF")
        return out.read_bytes()


def render(doc: dict, fmt: str, base_url: str = "") -> bytes:
    """The document as bytes in `fmt` (one of FORMATS)."""
    if fmt == "md":
        return to_markdown(doc).encode("utf-8")
    if fmt == "html":
        return to_html(doc, base_url).encode("utf-8")
    if fmt == "docx":
        return to_docx(doc)
    if fmt == "pdf":
        return docx_to_pdf(to_docx(doc, pdf_fonts()))
    raise RenderError(f"未知的格式 {fmt}：可选 {'、'.join(FORMATS)}")
