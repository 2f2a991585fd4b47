"""Browser journey: the head opens the Statistiques tab, sees the charts drawn, filters by class."""

import os

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login_as


@pytest.fixture(autouse=True)
def _intranet(settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_statistics_charts_render(axe, page, live_server, head, school, screenshot_dir):
    login_as(page, live_server, head)
    page.goto(f"{live_server.url}/administration/0380111P/statistiques/")
    expect(page.get_by_role("heading", name="Statistiques", exact=True)).to_be_visible()
    expect(page.get_by_text("Dernière mise à jour le")).to_be_visible()

    chart = page.locator("#chart-responsables-classes svg")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 50
    bars = chart.locator("rect.ec-chart__bar")
    # 5A: non informé + activé; 6A: informé + activé; 6B: en cours → 5 segments.
    expect(bars).to_have_count(5)
    for index in range(5):
        assert bars.nth(index).bounding_box()["width"] > 10
    expect(page.get_by_role("img", name="États des comptes représentants légaux par classe")).to_be_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "stats-representatives.png"), full_page=True)
    axe(page, "stats-representatives")

    # Filter by class 6A (HTMX, no reload): one bar left in the chart per class.
    page.get_by_label("Classe", exact=True).select_option(label="6A")
    expect(page).to_have_url(
        f"{live_server.url}/administration/0380111P/statistiques/?serie=responsables&classe={school.d6a.pk}&mef="
    )
    expect(page.locator("#chart-responsables-classes svg rect.ec-chart__bar")).to_have_count(2)

    page.get_by_role("link", name="Élèves").last.click()
    expect(page.locator("#chart-eleves-classes svg")).to_be_visible()
    expect(page.locator("#chart-eleves-classes svg rect.ec-chart__bar")).to_have_count(2)
    page.screenshot(path=os.path.join(screenshot_dir, "stats-students-6A.png"), full_page=True)
    axe(page, "stats-students-6A")
