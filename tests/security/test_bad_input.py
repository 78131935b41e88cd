"""Input the database refuses is a 400, not a 500 (found by the schemathesis run on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import DataError
from rest_framework.test import APIClient


@pytest.mark.django_db(transaction=True)
def test_nul_character_in_a_code_is_400(users):
    client = APIClient()
    client.force_authenticate(users["hr"])
    # PostgreSQL refuses NUL in text (DataError); SQLite just finds no such unit.
    response = client.post(
        "/api/v1/staff/",
        {"code": "X1", "full_name": "Nguyễn Văn A", "unit": "A\x00", "category": "civil_servant"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()


@pytest.mark.django_db(transaction=True)
def test_nul_character_in_a_filter_is_not_a_server_error(users):
    client = APIClient()
    client.force_authenticate(users["hr"])
    response = client.get("/api/v1/staff/", {"unit": "A\x00"})
    assert response.status_code in (200, 400)



@pytest.mark.parametrize(
    "error",
    [OverflowError("Python int too large to convert to SQLite INTEGER"), DataError("integer out of range")],
)
def test_out_of_range_errors_are_400_with_a_message(error):
    from core.api import exception_handler

    response = exception_handler(error, {})
    assert response.status_code == 400
    assert response.data["non_field_errors"]
