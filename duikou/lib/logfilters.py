"""A logging filter that masks personal numbers in every log line: pure Python, no Django.

Installed on every handler of settings.LOGGING (the console, the runserver access log, the
request errors), so an ID number or a mobile number that reaches a log line in a URL, a
message, its arguments or an exception's text is written masked (632802********1239,
138****5678). PIPL: logs are kept longer and read by more people than the records.
"""

from __future__ import annotations

import logging

from duikou.lib.masking import mask_text


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error handling
            return True
        masked = mask_text(message)
        if masked != message:
            # The formatted message replaces msg and args: the arguments are what held the
            # number (the access log passes the request line as an argument).
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True
