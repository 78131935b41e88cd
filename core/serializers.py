"""Django's JSON serializer with timestamps kept to the microsecond.

``DjangoJSONEncoder`` cuts datetimes and times to milliseconds, so a
``dumpdata``/``loaddata`` round trip (``backup_data``/``restore_data``)
would change every ``created_at`` and every history date a little. This
module replaces the ``json`` format (``SERIALIZATION_MODULES``); it reads
the same files as Django's own.
"""

from __future__ import annotations

import datetime as dt

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, dt.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, dt.time):
            if o.utcoffset() is not None:
                raise ValueError("JSON can't represent timezone-aware times.")
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        # django-stubs leave out the private Serializer._init_options.
        super()._init_options()  # type: ignore[misc]
        self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = django_json.Deserializer
