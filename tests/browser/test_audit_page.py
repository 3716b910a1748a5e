"""An administrator reads the audit log, filtered with its form left as it is and with a kind of action."""

from __future__ import annotations

import pytest

from tests.browser.conftest import WIDTHS


@pytest.mark.parametrize("width", WIDTHS)
def test_the_audit_log_lists_and_filters_events(visit, width: int) -> None:
    admin = visit("admin", width=width)
    page = admin.page
    page.get_by_role("link", name="Nhật ký").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Nhật ký hoạt động"
    filters = page.get_by_role("form", name="Lọc nhật ký")
    filters.get_by_role("button", name="Lọc").click()  # as it is left: everything
    rows = page.locator("table.audit-log tbody tr")
    assert rows.count() > 0
    assert "Không có sự kiện" not in rows.first.inner_text()
    filters.get_by_label("Loại việc").fill("user")
    filters.get_by_role("button", name="Lọc").click()
    actions = page.locator("table.audit-log tbody td code").all_inner_texts()
    assert actions
    assert all(action.startswith("user.") for action in actions)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    admin.screenshot("audit-log")
