"""Accessibility smoke test in a real Chromium at a 360 px phone width.

For the key pages of each role (on the crawler's demo-like dataset): every
form control has an accessible name, images and SVGs have a text alternative,
there is exactly one <h1> and one <main>, the page has a <title>, and nothing
is wider than the phone (no sideways scrolling).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser

from tests.browser import PHONE
from tests.web.conftest import Client, Server
from tests.web.test_links import Demo, demo

# What a screen reader would announce, computed the way the accessible-name
# algorithm does for the cases our pages use (aria-label(ledby), <label>,
# button text or value, title).
PROBLEMS = """phone => {
  const out = [];
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) out.push(`${h1} <h1> elements`);
  if (document.querySelectorAll('main').length !== 1) out.push('not exactly one <main>');
  if (!document.title.trim()) out.push('no <title>');
  const byId = id => (document.getElementById(id) || {}).textContent || '';
  const nameOf = el => (el.getAttribute('aria-label')
    || (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean).map(byId).join(' ')
    || [...(el.labels || [])].map(l => l.textContent).join(' ')
    || (el.tagName === 'BUTTON' ? el.textContent : '')
    || (['submit', 'button', 'reset'].includes(el.type) ? el.value : '')
    || el.getAttribute('title') || '').trim();
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea, button'))
    if (!nameOf(el)) out.push('control without a name: ' + el.outerHTML.slice(0, 80));
  for (const a of document.querySelectorAll('a[href]'))
    if (!nameOf(a) && !a.textContent.trim() && !a.querySelector('img[alt]:not([alt=""])'))
      out.push('link without a name: ' + a.outerHTML.slice(0, 80));
  for (const img of document.querySelectorAll('img'))
    if (!img.hasAttribute('alt')) out.push('image without alt: ' + img.src);
  for (const svg of document.querySelectorAll('svg')) {
    if (svg.closest('[aria-hidden="true"]') || (svg.parentElement && svg.parentElement.closest('svg'))) continue;
    if (!(svg.getAttribute('aria-label') || svg.getAttribute('aria-labelledby') || svg.querySelector(':scope > title')))
      out.push('svg without a text alternative');
  }
  // The phone's width, not innerWidth: mobile Chromium widens the layout viewport to fit wide content.
  const width = document.documentElement.scrollWidth;
  if (width > phone) {
    const wide = [...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > phone + 1).slice(0, 3)
      .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
    out.push(`${width} px wide (${wide.join(', ')})`);
  }
  return out;
}"""

PHONE_WIDTH: int = PHONE["viewport"]["width"]  # type: ignore[index]


def key_pages(d: Demo) -> dict[str, list[str]]:
    i, r = d.inquiry_id, d.rounds
    return {
        "public": ["/", "/join", "/recover", "/login", "/forgot", "/decisions", f"/decisions/{r['closed']}",
                   f"/decisions/{r['cancelled']}", "/decisions/999999"],
        "convenor": ["/", "/staff", "/inquiries", f"/inquiries/{i}", f"/inquiries/{i}/edit", f"/inquiries/{i}/access",
                     f"/inquiries/{i}/participants", f"/inquiries/{i}/audit", f"/inquiries/{i}/access/print",
                     "/rounds", "/rounds/new", f"/rounds/{r['open']}", f"/rounds/{r['draft']}",
                     f"/decisions/{r['closed']}"],
        "facilitator": ["/staff", "/inquiries", f"/inquiries/{i}"],
        "resident": ["/", f"/i/{i}", f"/rounds/{r['open']}", f"/rounds/{r['open']}/ballot",
                     f"/rounds/{r['open']}/receipt", f"/decisions/{r['closed']}"],
        "expert": [f"/i/{i}"],
        "observer": [f"/i/{i}", f"/rounds/{r['open']}"],
    }


def cookies(client: Client) -> list[dict[str, Any]]:
    host = urlsplit(client.base).hostname
    return [{"name": c.key, "value": c.value, "domain": host, "path": "/"} for c in client.session.cookie_jar
            if c.key in ("oxp_staff", "oxp_device")]


@pytest.mark.browser
async def test_key_pages_are_named_structured_and_fit_a_phone(server: Server, browser: Browser) -> None:
    d = await demo(server)
    problems: dict[str, list[str]] = {}
    try:
        for role, paths in key_pages(d).items():
            context = await browser.new_context(**PHONE)  # type: ignore[arg-type]
            await context.add_cookies(cookies(d.clients[role]))  # type: ignore[arg-type]
            page = await context.new_page()
            for path in paths:
                await page.goto(server.url + path)
                found = await page.evaluate(PROBLEMS, PHONE_WIDTH)
                if found:
                    problems[f"{role} {path}"] = found
            await context.close()
    finally:
        await d.close()
    assert problems == {}


@pytest.mark.browser
async def test_the_checks_see_what_they_look_for(server: Server, browser: Browser) -> None:
    """A page with each defect is reported, so a clean run of the test above means something."""
    page = await browser.new_page(**PHONE)  # type: ignore[arg-type]
    await page.set_content("""<meta name="viewport" content="width=device-width"><title> </title><h1>A</h1><h1>B</h1><input type=text><img src=x.png>
        <svg width=10 height=10></svg><a href=/x></a><div style="width:900px">wide</div>""")
    found = " | ".join(await page.evaluate(PROBLEMS, PHONE_WIDTH))
    await page.close()
    for defect in ("2 <h1>", "not exactly one <main>", "no <title>", "control without a name",
                   "image without alt", "svg without a text alternative", "link without a name", "px wide"):
        assert defect in found
