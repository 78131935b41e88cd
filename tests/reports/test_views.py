"""The HTML report page: filters, ranking table, server-drawn charts, downloads, scope."""

import pytest
from django.test import Client

from tests.reports import data
from tests.reports.data import D

pytestmark = pytest.mark.django_db
URL = "/reports/accountability/"


def browser(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def filled(tree):
    for unit in (tree["A"], tree["B"]):
        people = data.staff(unit, 6)
        data.finding(unit, severity="serious")
        data.turn(people[0], data.course("province"))
    data.finding(tree["A"], severity="minor", found_on=D(2019, 7, 1))
    return tree


def test_page_shows_ranking_charts_and_downloads(users, filled):
    response = browser(users["auditor"]).get(URL, {"year": 2019})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 3
    assert "Xã Đạ Tồn" in html and "Xã Hà Lâm" in html
    assert "/api/v1/reports/accountability/?year=2019&amp;format=xlsx" in html
    assert "/api/v1/reports/accountability/?year=2019&amp;format=csv" in html
    assert '<select id="id_unit" name="unit">' in html
    assert "<script" not in html and "//cdn" not in html.lower()


def test_page_is_english_when_asked(users, filled):
    client = browser(users["auditor"])
    html = client.get(URL, {"year": 2019}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Scores by unit" in html and "Download Excel workbook" in html
    html_vi = client.get(URL, {"year": 2019}, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Điểm theo đơn vị" in html_vi


def test_unit_names_in_charts_are_escaped(users, filled):
    filled["B"].name = "<b>Xã</b> & co"
    filled["B"].save()
    html = browser(users["auditor"]).get(URL, {"year": 2019}).content.decode()
    assert "<b>Xã</b>" not in html
    assert "&lt;b&gt;Xã&lt;/b&gt; &amp; co" in html


def test_head_sees_own_subtree_and_404_elsewhere(users, filled):
    client = browser(users["head_a"])
    html = client.get(URL, {"year": 2019}).content.decode()
    assert "Xã Đạ Tồn" in html and "Xã Hà Lâm" not in html
    assert client.get(URL, {"year": 2019, "unit": "B"}).status_code == 404


def test_bad_year_gives_the_page_with_a_message(users, filled):
    response = browser(users["auditor"]).get(URL, {"year": "abc"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_anonymous_is_sent_to_login_and_no_role_is_refused(users, filled):
    response = browser().get(URL)
    assert response.status_code == 302
    assert browser(users["nobody"]).get(URL).status_code == 403
