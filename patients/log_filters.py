"""Logging filter that keeps IINs out of log lines, whatever logged them (defence in depth).

Our code never logs personal data; database errors, however, quote the offending values
("Key (iin)=(…) already exists"), and third-party code may log request data.
"""

import logging
import re

IIN_LIKE = re.compile(r"(?<!\d)\d{12}(?!\d)")
REDACTED = "<iin>"


class RedactIinFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        redacted = IIN_LIKE.sub(REDACTED, message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_text:
            record.exc_text = IIN_LIKE.sub(REDACTED, record.exc_text)
        return True
