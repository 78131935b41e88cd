"""JSON-lines log formatting.

Every record becomes one JSON object on one line (time, level, logger,
message, and the ``data`` dict a caller passes in ``extra``), so log
collectors read fields instead of parsing text.
"""

from __future__ import annotations

import datetime as dt
import json
import logging


class JSONFormatter(logging.Formatter):
    """Format a record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data = getattr(record, "data", None)
        if isinstance(data, dict):
            entry.update(data)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
