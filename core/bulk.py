"""Insert many rows in one statement per table, whatever their number.

PostgreSQL's ``bulk_create`` already sends one INSERT. On SQLite Django splits
it into batches of 999 parameters (about 60 rows of a 15-column table), so a
run's query count would grow with its rows; there the rows travel as one JSON
array parameter and ``json_each`` unpacks them in SQL. Values are prepared by
each field exactly as ``bulk_create`` would (``pre_save``, ``get_db_prep_save``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import cast

from django.db import connections, models, router


def insert_many(model: type[models.Model], objs: Sequence[models.Model]) -> int:
    """Insert ``objs`` (new, without primary keys); returns how many. Primary keys are not set on
    them."""
    if not objs:
        return 0
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "sqlite":
        model._default_manager.bulk_create(objs)
        return len(objs)
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.auto_created)]
    rows = []
    for obj in objs:
        row = []
        for f in fields:
            value = f.get_db_prep_save(f.pre_save(obj, True), connection)
            row.append(
                value if value is None or isinstance(value, (int, float, str, bool)) else str(value)
            )
        rows.append(row)
    quote = connection.ops.quote_name
    # A concrete field always has a column.
    columns = ", ".join(quote(cast(str, f.column)) for f in fields)
    values = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(fields)))
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT {values} FROM json_each(%s)"  # noqa: S608 - names from the model
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(rows)])
    return len(objs)
