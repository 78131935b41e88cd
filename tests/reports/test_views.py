"""The HTML report page: filters, ranking table, server-drawn charts, downloads, scope."""

import re

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
    # Three charts per peer group (the district, its department, its communes); the
    # province's own row is the totals, drawn in no chart.
    assert html.count('<section class="chart-group">') == 3
    assert html.count("<svg") == 9
    charts = html[html.index('<section class="chart-group">') :]
    assert "Tỉnh Thử (P)" not in charts and "Xã Đạ Tồn (A)" in charts
    assert "Xã Đạ Tồn" in html and "Xã Hà Lâm" in html
    assert "/api/v1/reports/accountability/?year=2019&amp;format=pdf" in html
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


def test_page_writes_integers_as_integers_and_rates_as_percentages(users, filled):
    html = browser(users["auditor"]).get(URL, {"year": 2019}).content.decode()
    totals = html[
        html.index('<ul class="totals">') : html.index("</ul>", html.index('<ul class="totals">'))
    ]
    assert not re.search(r"<strong>\d+[,.]0</strong>", totals), totals
    assert re.search(r"<strong>\d{1,3}(,\d)?%</strong>", totals), totals
    assert re.search(r'<td class="num">\d{1,3},\d\d</td>', html)  # a score with its decimal comma


def test_formats_are_vietnamese_by_default():
    from django.utils import translation

    from reports import formats, svg

    with translation.override("vi"):
        assert formats.count(7744.0) == "7.744"
        assert formats.percent(0.2606516290726817) == "26,1%"
        assert formats.score(44.52) == "44,52"
        assert formats.rank_text(10, 10, "commune/district") == "thứ 10/10 xã thuộc huyện"
        chart = svg.bar_chart(
            "t",
            ["Phòng Lao động - Thương binh và Xã hội huyện Đạ Huoai"],
            [44.52],
            value_format=formats.score,
        )
        assert "44,52" in chart and "44.52" not in chart
        assert "<title>Phòng Lao động - Thương binh và Xã hội huyện Đạ Huoai</title>" in chart
        assert "Phòng Lao động - Thương binh và Xã hội…" in chart or "\u2026</text>" in chart
    with translation.override("en"):
        assert formats.count(7744.0) == "7,744" and formats.percent(0.5) == "50.0%"
        assert formats.rank_text(10, 10, "commune/district") == "10 of 10 communes under districts"


def test_totals_show_discipline_as_the_methodology_scores_it(users, filled):
    """Cases decided within the handling deadline (a share) and those past it, not the caseload."""
    data.case(
        filled["A"], status="decided", decision_form="khien_trach", decision_date=D(2019, 3, 1)
    )
    data.case(filled["B"], status="decided", decision_form="canh_cao", decision_date=D(2019, 6, 1))
    html = browser(users["auditor"]).get(URL, {"year": 2019}).content.decode()
    totals = html[
        html.index('<ul class="totals">') : html.index("</ul>", html.index('<ul class="totals">'))
    ]
    assert "Vụ việc kỷ luật xử lý trong thời hạn (%)" in totals
    assert re.search(
        r"Vụ việc kỷ luật xử lý trong thời hạn \(%\)</span><strong>50,0%</strong>",
        totals,
    ), totals
    assert ">Vụ việc kỷ luật<" not in totals
