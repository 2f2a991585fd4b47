"""The DSFR header at 1280 px: the ministry's logo is never clipped, whatever the module's title
and the signed-in person's name (seen clipped on the Dépannage list with « Mme Monique JAMIER »)."""

import os

import pytest
from django.urls import reverse

from tests.browser.helpers import login_as

UAI = "0380111P"


def logo_fits(page) -> bool:
    """Every line of the logo's text lies inside the header's brand, none hidden under the title."""
    return page.evaluate(
        """() => {
            const logo = document.querySelector('.fr-header__logo .fr-logo');
            const brand = document.querySelector('.fr-header__brand');
            if (!logo || !brand) return false;
            const range = document.createRange();
            range.selectNodeContents(logo);
            const text = range.getBoundingClientRect();
            const service = document.querySelector('.fr-header__service');
            const right = service ? service.getBoundingClientRect().left : brand.getBoundingClientRect().right;
            return logo.scrollWidth <= logo.clientWidth + 1 && text.right <= right + 1;
        }"""
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "url",
    [
        reverse("troubleshooting:students", args=[UAI]),
        reverse("administration:students", args=[UAI]),
        reverse("administration:representatives", args=[UAI]),
    ],
)
def test_the_logo_is_whole_at_1280(page, live_server, establishment, head, url, screenshot_dir):
    login_as(page, live_server, head)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + url)
    page.screenshot(path=os.path.join(screenshot_dir, f"header-{url.strip('/').replace('/', '-')}.png"))
    assert logo_fits(page), url


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_at_390_the_header_keeps_its_menu_button_and_no_page_scrolls_sideways(
    page, live_server, establishment, head, screenshot_dir
):
    login_as(page, live_server, head)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("troubleshooting:students", args=[UAI]))
    page.screenshot(path=os.path.join(screenshot_dir, "header-depannage-390.png"))
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 390
    menu = page.locator(".fr-header__navbar button.fr-btn--menu")
    assert menu.is_visible()
    box = menu.bounding_box()
    assert box["x"] + box["width"] <= 390
