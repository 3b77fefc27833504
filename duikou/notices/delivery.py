"""Delivering notifications beyond the bell: e-mail, and webhooks for SMS gateways and WeCom.

Run by the background task (`tasks.deliver`), never inside a request. Each channel is off
unless configured (docs/notices.md):

- e-mail through Django's mail settings (`EMAIL_BACKEND`, console by default) to a recipient
  with an address, when DUIKOU_NOTICE_EMAIL is on;
- DUIKOU_WEBHOOK_URL: a JSON POST per notification (kind, title, body, absolute link,
  recipient's username) for an SMS gateway or any relay;
- DUIKOU_WECOM_WEBHOOK: a WeCom (企业微信) group robot URL; a text message per notification.

What leaves the platform is masked: anything shaped like an ID number or a mobile number in a
title or body (a reason typed by hand) goes out masked, as in the logs. A channel that fails is
logged (without the message); the task tries it again later (`undelivered`, `tasks.deliver`:
after 1, 5 and 30 minutes), and after that leaves it: the bell still holds the notification.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from duikou.lib.masking import mask_text
from duikou.notices.models import Notification

log = logging.getLogger("duikou.notices")


def absolute(link: str) -> str:
    base = (getattr(settings, "DUIKOU_SITE_URL", "") or "").rstrip("/")
    return f"{base}{link}" if link else base


def _text(n: Notification) -> str:
    lines = [mask_text(n.title)]
    if n.body:
        lines.append(mask_text(n.body))
    if n.link:
        lines.append(absolute(n.link))
    return "\n".join(lines)


def send_email(n: Notification) -> bool:
    if not getattr(settings, "DUIKOU_NOTICE_EMAIL", False) or not n.recipient.email:
        return False
    prefix = getattr(settings, "EMAIL_SUBJECT_PREFIX", "")
    try:
        send_mail(
            f"{prefix}{mask_text(n.title)}",
            _text(n),
            settings.DEFAULT_FROM_EMAIL,
            [n.recipient.email],
        )
    except (OSError, ValueError) as exc:
        log.warning("notice %s: e-mail not sent (%s)", n.pk, type(exc).__name__)
        return False
    return True


def _post(url: str, payload: dict) -> bool:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    timeout = getattr(settings, "DUIKOU_WEBHOOK_TIMEOUT", 5)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            ok = 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.warning("notice webhook failed (%s)", type(exc).__name__)
        return False
    if not ok:
        log.warning("notice webhook answered %s", response.status)
    return ok


def send_webhooks(n: Notification) -> bool:
    """POST to each configured webhook; True when at least one accepted it."""
    sent = False
    url = getattr(settings, "DUIKOU_WEBHOOK_URL", "")
    if url:
        sent |= _post(
            url,
            {
                "kind": n.kind,
                "title": mask_text(n.title),
                "body": mask_text(n.body),
                "link": absolute(n.link),
                "recipient": n.recipient.username,
                "created_at": n.created_at.isoformat(),
            },
        )
    wecom = getattr(settings, "DUIKOU_WECOM_WEBHOOK", "")
    if wecom:
        sent |= _post(
            wecom,
            {
                "msgtype": "text",
                "text": {"content": f"{n.recipient}：{_text(n)}"},
            },
        )
    return sent


def deliver(ids: list[int]) -> dict[str, int]:
    """E-mail and push the given notifications (those not yet sent); counts per channel."""
    counts = {"email": 0, "webhook": 0}
    for n in Notification.objects.filter(pk__in=ids).select_related("recipient"):
        now = timezone.now()
        if n.emailed_at is None and send_email(n):
            Notification.objects.filter(pk=n.pk).update(emailed_at=now)
            counts["email"] += 1
        if n.pushed_at is None and send_webhooks(n):
            Notification.objects.filter(pk=n.pk).update(pushed_at=now)
            counts["webhook"] += 1
    return counts


def undelivered(ids: list[int]) -> list[int]:
    """Of these notifications, those a configured channel has not carried yet: e-mail on and
    the recipient has an address but it was not sent, or a webhook set but not pushed."""
    email_on = bool(getattr(settings, "DUIKOU_NOTICE_EMAIL", False))
    hooks_on = bool(
        getattr(settings, "DUIKOU_WEBHOOK_URL", "") or getattr(settings, "DUIKOU_WECOM_WEBHOOK", "")
    )
    left = []
    for pk, email, emailed, pushed in Notification.objects.filter(pk__in=ids).values_list(
        "pk", "recipient__email", "emailed_at", "pushed_at"
    ):
        if (email_on and email and emailed is None) or (hooks_on and pushed is None):
            left.append(pk)
    return sorted(left)
