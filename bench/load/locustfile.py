"""The load test's simulated users (bench/loadtest.py starts the servers and runs this).

Three kinds of user, all signed in as headquarters (the role that may do everything here):
  Staff     (the many) lists of projects, people and sales, the dashboard, a project's page,
            a project edit (a stale edit refused by the version guard counts as correct), a
            money-flow entry;
  Importer  (2) a small 资金 workbook uploaded, checked by a worker, confirmed, imported;
  Planner   (1) a planning run (the smallest time limit) started and followed to its end.
Every write that the server accepted is written to the ledger file (LOAD_LEDGER, JSON lines):
bench/loadtest.py checks each one against the database afterwards (no lost update).
Requests are named by page, not by URL, so p50/p95 are per page.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import re
import threading
import time
import uuid
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

HOSTS = [h for h in os.environ.get("LOAD_HOSTS", "").split(",") if h]
USERNAME = os.environ.get("LOAD_USER", "hq")
PASSWORD = os.environ.get("LOAD_PASSWORD", "duikou2023")
EDIT_POOL = [int(x) for x in os.environ.get("LOAD_EDIT_PROJECTS", "").split(",") if x]
FLOW_POOL = [int(x) for x in os.environ.get("LOAD_FLOW_PROJECTS", "").split(",") if x]
DETAIL_POOL = [int(x) for x in os.environ.get("LOAD_DETAIL_PROJECTS", "").split(",") if x]
IMPORT_CODES = [c for c in os.environ.get("LOAD_IMPORT_CODES", "").split(",") if c]
LEDGER = os.environ.get("LOAD_LEDGER", "load-ledger.jsonl")
_ledger_lock = threading.Lock()
SERVER_ERRORS: list[str] = []
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def record(kind: str, **data) -> None:
    with _ledger_lock, open(LEDGER, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"kind": kind, **data}, ensure_ascii=False) + "\n")


@events.request.add_listener
def _server_errors(request_type, name, response, exception, **kwargs):
    if response is not None and getattr(response, "status_code", 0) >= 500:
        SERVER_ERRORS.append(f"{request_type} {name} {response.status_code}")
        record("server_error", name=name, status=response.status_code)


class Forms(HTMLParser):
    """The forms of a page: action, method and each field's current value (as a browser
    would send them untouched)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "action": a.get("action", ""),
                "method": a.get("method", "get"),
                "fields": {},
                "selects": {},
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("file", "submit", "button"):
                return
            self._form["fields"][a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["selects"][self._select] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self._form["selects"][self._select].append(value)
            if "selected" in a or self._select not in self._form["fields"]:
                if "selected" in a or value:
                    self._form["fields"][self._select] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"][self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._form is not None and self._textarea:
                # a browser drops the newline that follows <textarea>
                value = self._form["fields"][self._textarea]
                self._form["fields"][self._textarea] = value.removeprefix("\n")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data


def form_of(html: str, action_part: str = "", field: str = "") -> dict | None:
    """The first POST form whose action contains `action_part` and that has `field`."""
    parser = Forms()
    parser.feed(html)
    for form in parser.forms:
        if form["method"].lower() != "post" or action_part not in form["action"]:
            continue
        if field and field not in form["fields"]:
            continue
        return form
    return None


def csrf(html: str) -> str:
    m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html) or re.search(
        r'"X-CSRFToken":\s*"([^"]+)"', html
    )
    return m.group(1) if m else ""


class Signed(HttpUser):
    abstract = True
    host = HOSTS[0] if HOSTS else "http://127.0.0.1:8000"

    def on_start(self) -> None:
        if HOSTS:
            # The users are split over the web processes (two gunicorn masters).
            self.client.base_url = HOSTS[id(self) % len(HOSTS)]
        page = self.client.get("/accounts/login/", name="sign-in page")
        r = self.client.post(
            "/accounts/login/",
            {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": csrf(page.text)},
            name="sign-in",
            headers={"Referer": self.client.base_url + "/accounts/login/"},
            allow_redirects=False,  # the landing page is timed as the dashboard, not here
        )
        if r.status_code != 302 or "/accounts/login/" in r.headers.get("Location", ""):
            raise RuntimeError("sign-in failed")

    def post(self, path: str, data: dict, name: str, referer: str, **kw):
        return self.client.post(
            path, data=data, name=name, headers={"Referer": self.client.base_url + referer}, **kw
        )


class Staff(Signed):
    weight = 47
    wait_time = between(1, 4)

    @task(4)
    def projects(self):
        self.client.get("/projects/", name="projects list")

    @task(2)
    def projects_filtered(self):
        self.client.get("/projects/?status=实施中&page=2", name="projects list (filter, page 2)")

    @task(3)
    def people(self):
        self.client.get("/people/", name="people list")

    @task(3)
    def sales(self):
        self.client.get("/consumption/sales/", name="sales list")

    @task(3)
    def dashboard(self):
        self.client.get("/", name="dashboard")

    @task(3)
    def project_detail(self):
        pk = random.choice(DETAIL_POOL or EDIT_POOL)
        self.client.get(f"/projects/{pk}/", name="project detail")

    @task(2)
    def project_edit(self):
        """Open the form, append a unique marker to the description, save. Concurrent users
        edit the same few projects: a save over a newer version must be refused (200 with the
        conflict), never silently overwrite."""
        pk = random.choice(EDIT_POOL)
        path = f"/projects/{pk}/edit/"
        page = self.client.get(path, name="project edit (form)")
        form = form_of(page.text, field="version")
        if page.status_code != 200 or form is None:
            return
        marker = "LT" + uuid.uuid4().hex[:10]
        fields = dict(form["fields"])
        fields["description"] = (fields.get("description", "").rstrip() + " " + marker).strip()
        time.sleep(random.uniform(0, 1.5))  # a person types: others save meanwhile
        with self.client.post(
            path,
            data=fields,
            name="project edit (save)",
            catch_response=True,
            headers={"Referer": self.client.base_url + path},
            allow_redirects=False,
        ) as r:
            if r.status_code == 302:
                record("edit", project=pk, marker=marker, version=int(fields.get("version") or 0))
                r.success()
            elif r.status_code == 200 and 'id="conflict"' in r.text:
                record("edit_refused", project=pk, marker=marker)
                r.success()  # the stale-edit guard did its job
            else:
                r.failure(f"edit: {r.status_code}")

    @task(2)
    def flow_entry(self):
        pk = random.choice(FLOW_POOL or EDIT_POOL)
        detail = f"/projects/{pk}/"
        page = self.client.get(detail, name="project detail")
        voucher = "LTF-" + uuid.uuid4().hex[:12]
        data = {
            "csrfmiddlewaretoken": csrf(page.text),
            "date": dt.date.today().isoformat(),
            "type": "下达",
            "source": "援助资金",
            "amount": "0.01",
            "voucher": voucher,
            "note": "load test",
        }
        with self.client.post(
            f"/projects/{pk}/flows/",
            data=data,
            files={"evidence": ("v.pdf", PDF, "application/pdf")},
            name="flow entry",
            catch_response=True,
            allow_redirects=False,
            headers={"Referer": self.client.base_url + detail},
        ) as r:
            if r.status_code == 302:
                record("flow", project=pk, voucher=voucher)
                r.success()
            else:
                r.failure(f"flow entry: {r.status_code}")


def flows_workbook(code: str, vouchers: list[str]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "资金"
    ws.append(["项目编号*", "日期*", "类型*", "资金来源*", "金额(万元)*", "凭证号*", "备注"])
    for v in vouchers:
        ws.append([code, dt.date.today(), "下达", "援助资金", 0.01, v, "load test import"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class Importer(Signed):
    fixed_count = 2
    wait_time = between(8, 15)

    def _status(self, pk: int) -> str:
        text = self.client.get(f"/io/batches/{pk}/status/", name="import status").text
        if 'hx-trigger="every 1s"' in text:
            return "running"
        if re.search(r"已于 [^<]* 导入", text):
            return "imported"
        if "检查未通过" in text:
            return "rejected"
        if "检查通过" in text:
            return "checked"
        return "failed"

    def _wait(self, pk: int, until: set[str], seconds: float = 90) -> str:
        end = time.monotonic() + seconds
        status = ""
        while time.monotonic() < end:
            status = self._status(pk)
            if status in until:
                return status
            time.sleep(1)
        return status

    @task
    def small_import(self):
        code = random.choice(IMPORT_CODES)
        vouchers = ["LTI-" + uuid.uuid4().hex[:12] for _ in range(3)]
        page = self.client.get("/io/", name="import page")
        r = self.post(
            "/io/",
            {"csrfmiddlewaretoken": csrf(page.text)},
            name="import upload",
            referer="/io/",
            files={
                "file": (
                    "flows.xlsx",
                    flows_workbook(code, vouchers),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
            },
        )
        m = re.search(r"/io/batches/(\d+)/", r.url)
        if not m:
            record("import_failed", stage="upload", status=r.status_code)
            return
        pk = int(m.group(1))
        checked = self._wait(pk, {"checked", "rejected", "failed"})
        if checked != "checked":
            record("import_failed", stage="check", batch=pk, status=checked)
            return
        detail = self.client.get(f"/io/batches/{pk}/", name="import batch")
        self.post(
            f"/io/batches/{pk}/confirm/",
            {"csrfmiddlewaretoken": csrf(detail.text), "accept_risks": "1"},
            name="import confirm",
            referer=f"/io/batches/{pk}/",
        )
        done = self._wait(pk, {"imported", "failed"})
        if done == "imported":
            record("import", batch=pk, code=code, vouchers=vouchers)
        else:
            record("import_failed", stage="import", batch=pk, status=done)


class Planner(Signed):
    fixed_count = 1
    wait_time = between(20, 40)

    @task
    def planning_run(self):
        page = self.client.get("/orders/runs/", name="planning runs list")
        form = form_of(page.text, "/orders/runs/new/")
        if form is None:
            record("run_failed", stage="form")
            return
        fields = dict(form["fields"])
        fields["time_limit"] = "10"
        r = self.post(
            "/orders/runs/new/", fields, name="planning run start", referer="/orders/runs/"
        )
        m = re.search(r"/orders/runs/(\d+)/", r.url)
        if not m:
            record("run_failed", stage="start", status=r.status_code)
            return
        pk = int(m.group(1))
        record("run", run=pk)
        end = time.monotonic() + 120
        while time.monotonic() < end:
            p = self.client.get(f"/orders/runs/{pk}/progress/", name="planning run progress")
            if any(s in p.text for s in ("已完成", "失败", "已停止")):
                break
            time.sleep(2)
