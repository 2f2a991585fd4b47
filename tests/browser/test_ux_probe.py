import pytest
from tests.browser.helpers import accessibility_violations, login_as
from tests.browser.test_troubleshooting_journey import populate

WIDE = """() => { const w = document.documentElement.clientWidth; const out = [];
  document.querySelectorAll('body *').forEach(e => { const r = e.getBoundingClientRect();
    if (r.right > w + 1 && e.offsetParent !== null) { let p = e.parentElement, clipped = false;
      while (p) { const s = getComputedStyle(p); if (['auto','scroll','hidden'].includes(s.overflowX)) { clipped = true; break; } p = p.parentElement; }
      if (!clipped) out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right)); } });
  return [document.documentElement.scrollWidth, out.slice(0, 6)]; }"""

@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_probe(page, live_server, establishment, head, settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]
    populate(establishment)
    page.set_viewport_size({"width": 390, "height": 844})
    for url in ["/connexion/", "/compte/connexion/", "/accessibilite/"]:
        page.goto(live_server.url + url)
        print(url, page.evaluate(WIDE))
    login_as(page, live_server, head)
    for url in ["/", "/depannage/0380111P/", "/depannage/0380111P/eleves/", "/depannage/0380111P/guide/",
                "/administration/0380111P/", "/administration/0380111P/eleves/", "/administration/0380111P/responsables/",
                "/administration/0380111P/statistiques/", "/administration/0380111P/parametres/",
                "/delegations/0380111P/", "/delegations/0380111P/personnes/?q=", "/delegations/0380111P/services/", "/delegations/0380111P/historique/",
                "/delegations/0380111P/services/educonnect-depannage/"]:
        page.goto(live_server.url + url)
        print(url, page.evaluate(WIDE))
        page.screenshot(path="/tmp/uxshots/m_" + url.strip("/").replace("/", "_").replace("?q=","") + ".png", full_page=False)
