"""The API viewer at /schema, as an integrator uses it: the operations listed, a token pasted into
"Authorize", and a call tried from the page, with no script error and nothing the site's policy refuses."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORDS


def test_the_viewer_lists_the_operations_and_calls_them_with_a_token(visit) -> None:
    integrator = visit(width=1280)
    page = integrator.page
    assert integrator.go("/schema").status == 200
    expect(page.get_by_role("heading", name=re.compile("Charity API"))).to_be_visible()
    sign_in = page.locator("#operations-auth-ApiAuthTokenCreateToken")
    expect(sign_in).to_contain_text("/api/auth/token")
    expect(sign_in).to_contain_text("Sign in for a bearer token")
    assert page.locator(".opblock").count() > 40
    integrator.screenshot("api-viewer")

    token = page.request.post(
        integrator.server.url + "/api/auth/token",
        data={"username": "hoa", "password": PASSWORDS["hoa"]},
    ).json()["access_token"]
    page.get_by_role("button", name="Authorize").first.click()
    dialog = page.locator(".modal-ux")
    expect(dialog).to_contain_text("BearerToken")
    dialog.get_by_label("auth-bearer-value").fill(token)
    dialog.get_by_role("button", name="Apply credentials").click()
    expect(dialog.get_by_role("button", name="Remove authorization")).to_be_visible()
    dialog.get_by_role("button", name="Close").click()

    me = page.locator("#operations-auth-ApiMeMe")
    me.locator(".opblock-summary").click()
    me.get_by_role("button", name="Try it out").click()
    me.get_by_role("button", name="Execute").click()
    answer = me.locator(".live-responses-table .response")
    expect(answer.locator(".response-col_status").first).to_have_text("200")
    expect(answer).to_contain_text('"username": "hoa"')
    integrator.screenshot("api-viewer-tried")
