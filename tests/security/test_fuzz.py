"""Schemathesis against the live OpenAPI schema: no request may end in a server error.

Every operation of ``/api/v1/schema/`` is called in-process through the WSGI
application (the real middleware, authentication, throttles and database)
as a signed-in admin, with data generated from the schema, and every
response is checked with schemathesis' ``not_a_server_error``. Bounded by
``FUZZ_MAX_EXAMPLES`` per operation (default 5) and ``FUZZ_SECONDS`` in
all (default 300); CI runs it once more with a larger bound.
"""

from __future__ import annotations

import logging
import os
import time
import traceback
import warnings

import hypothesis
import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup

from tests.factories import StaffFactory

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "5"))
BUDGET_SECONDS = float(os.environ.get("FUZZ_SECONDS", "300"))
TOKEN = "f" * 40


def _ensure_token(user) -> None:
    # DELETE /auth/token/ is among the operations: put the token back each time.
    Token.objects.get_or_create(user=user, defaults={"key": TOKEN})


class _ServerErrors(logging.Handler):
    """Keep the last exception Django logged for a 500, to say what broke."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.last = ""

    def emit(self, record):
        if record.exc_info:
            self.last = "".join(traceback.format_exception(*record.exc_info)[-3:]).strip()


def _run_operation(operation, user, failures: dict[str, str], errors: _ServerErrors) -> None:
    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy())
    def call(case):
        _ensure_token(user)
        errors.last = ""
        response = case.call(headers={"Authorization": f"Token {TOKEN}"})
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except (Failure, FailureGroup):  # keep going, report every operation that fails
            key = (
                f"{operation.method.upper()} {operation.path}: "
                f"{errors.last.splitlines()[-1:] or response.status_code}"
            )
            failures.setdefault(
                key,
                f"{key}\n  e.g. {case.formatted_path} query={case.query} "
                f"body={str(case.body)[:200]}\n  {errors.last}",
            )

    call()


@pytest.mark.fuzz
@pytest.mark.django_db(transaction=True)
def test_no_server_errors_anywhere(users, tree):
    for i in range(3):
        StaffFactory(code=f"FZ{i}", unit=tree["A"])
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    failures: dict[str, str] = {}
    errors = _ServerErrors()
    logging.getLogger("django.request").addHandler(errors)
    started = time.monotonic()
    tried = 0
    try:
        for operation in operations:
            if time.monotonic() - started > BUDGET_SECONDS:
                break
            _run_operation(operation, users["admin"], failures, errors)
            tried += 1
    finally:
        logging.getLogger("django.request").removeHandler(errors)
    if tried < len(operations):
        warnings.warn(
            f"fuzzing stopped by FUZZ_SECONDS after {tried} of {len(operations)} operations",
            stacklevel=1,
        )
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures.values())
