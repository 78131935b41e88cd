"""Training fixtures: a small roster on the shared tree (P > D > D-NV, A, B)."""

import datetime as dt

import pytest

from tests.factories import StaffFactory
from tests.training.factories import CourseFactory, TopicFactory


@pytest.fixture
def roster(tree):
    return {
        "a1": StaffFactory(
            code="A001", full_name="Nguyễn Thị Ánh", unit=tree["A"], category="cadre"
        ),
        "a2": StaffFactory(
            code="A002", full_name="Đinh Công Định", unit=tree["A"], category="civil_servant"
        ),
        "a3": StaffFactory(code="A003", full_name="Lê Văn Ba", unit=tree["A"], category="contract"),
        "b1": StaffFactory(
            code="B001", full_name="Trần Văn Bình", unit=tree["B"], category="civil_servant"
        ),
        "d1": StaffFactory(
            code="D001", full_name="Lê Thu Hà", unit=tree["D-NV"], category="civil_servant"
        ),
    }


@pytest.fixture
def topic(db):
    return TopicFactory(code="iso", name="ISO 9001:2015")


@pytest.fixture
def course(topic):
    return CourseFactory(
        code="K1", topic=topic, start_date=dt.date(2019, 5, 6), hours=16, capacity=3
    )
