"""Ward officers at work on a 390-px phone: a triage from "Hôm nay", and a group leader approving a resident's
request to join, made from the group's invite link."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import Report
from groups.models import Membership
from tests.factories import PASSWORD
from tests.feedback.conftest import submitted

pytestmark = pytest.mark.e2e


def _log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_an_officer_triages_an_overdue_report_on_a_phone(phone_page, bob, ward_a):
    page = phone_page
    late = submitted(ward_a, description="Đèn đường hẻm 40 hỏng hai tuần, tối không dám đi")
    Report.objects.filter(pk=late.pk).update(resolve_due_at=timezone.now() - timedelta(hours=3))
    submitted(ward_a, description="Lề đường trước chợ bị lấn chiếm", phone="0987 654 321")

    _log_in(page, "bob@an-binh.vn")
    expect(page.locator('[data-count="reports_overdue"]')).to_have_text("1")
    page.get_by_role("link", name="quá hạn").click()

    # The queue on a phone: the filters fold behind one button, the late report stands out, rows are cards.
    expect(page.locator("details.filters-fold")).not_to_have_attribute("open", "")
    expect(page.locator("[data-filters-on]")).to_be_visible()  # folded, yet it says a filter is on
    expect(page.locator(f'[data-report="{late.tracking_code}"]')).to_have_class("overdue")
    _no_sideways_scroll(page)
    page.get_by_role("link", name=late.tracking_code).click()

    # The report: nothing changes unless chosen, the reason shows only when it applies, the phone is a tel: link.
    status = page.locator("select[name=to]")
    expect(status).to_have_value("")
    expect(page.get_by_role("link", name="0912 345 678")).to_have_attribute("href", "tel:+84912345678")
    reason = page.get_by_label("Lý do (khi từ chối, trùng lặp, tin rác)")
    expect(reason).to_be_hidden()
    status.select_option("rejected")
    expect(reason).to_be_visible()
    status.select_option("triaged")
    expect(reason).to_be_hidden()
    page.get_by_role("button", name="Lưu").first.click()
    expect(page.locator("[data-status]")).to_have_text("Đã tiếp nhận")
    expect(page.locator(".timeline")).to_contain_text("Đã tiếp nhận")  # the history in Vietnamese
    _no_sideways_scroll(page)
    assert Report.objects.get(pk=late.pk).status == "triaged"


def test_a_leader_approves_a_join_request_made_from_the_invite_link(phone_page, carol, group_a1):
    page = phone_page
    page.goto(f"/join/{group_a1.invite_token}/")
    page.get_by_label("Họ và tên của bạn").fill("Phạm Thị Hoa")
    page.get_by_label("Số điện thoại của bạn").fill("0903 123 456")
    page.get_by_label("Địa chỉ hộ gia đình của bạn").fill("15 Hẻm 12 Trần Phú")
    page.get_by_role("button", name="Gửi yêu cầu").click()
    # Without a way to reach her, joining would do nothing: the form says so and keeps what she typed.
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.get_by_label("Họ và tên của bạn")).to_have_value("Phạm Thị Hoa")
    page.get_by_label("Tôi đồng ý nhận thông báo qua tin nhắn SMS").check()
    page.get_by_role("button", name="Gửi yêu cầu").click()
    request = Membership.objects.get(group=group_a1, member__full_name="Phạm Thị Hoa")
    assert request.status == "pending"

    page.context.clear_cookies()
    _log_in(page, "carol@an-binh.vn")
    # The leader's first page opens the requests themselves, in one tap.
    page.get_by_role("link", name=f"{group_a1.name}: 1 yêu cầu").click()
    page.wait_for_url(f"**/groups/{group_a1.pk}/#requests")
    row = page.locator(f'[data-membership="{request.pk}"]')
    expect(row).to_contain_text("Phạm Thị Hoa")
    row.get_by_role("button", name="Duyệt").click()
    expect(page.locator(f'[data-membership="{request.pk}"]')).to_have_count(0)
    _no_sideways_scroll(page)
    request.refresh_from_db()
    assert request.status == "active"
