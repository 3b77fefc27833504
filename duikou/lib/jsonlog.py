"""JSON-lines log formatter for production (DUIKOU_LOG_FORMAT=json): pure Python, no Django.

One JSON object per line: time (UTC, ISO 8601), level, logger, message, and the record's
structured fields (the request log's method, path, status, duration_ms, user_id). The message
has already been masked by RedactPersonalData (every handler carries it) when this formats it;
the exception text too. Fields are whitelisted: nothing of the request beyond them is written.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

#: extra attributes a record may carry that are written as fields of their own
FIELDS = ("method", "path", "status", "duration_ms", "user_id", "worker_id", "task")


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                out[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            out["exception"] = record.exc_text
        return json.dumps(out, ensure_ascii=False, default=str)
