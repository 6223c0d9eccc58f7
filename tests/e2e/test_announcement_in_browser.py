"""Ward staff write an announcement on a phone; an admin finds it waiting on "Hôm nay", approves it after a
confirmation that names its audience, and the result counts up while it sends."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, member_in
from tests.fakes.sms_gateway import FakeSmsGateway

pytestmark = [pytest.mark.e2e, pytest.mark.worker]

RESIDENTS = 30


def _log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_staff_write_an_admin_approves_and_the_counts_rise_live(
    phone_page, celery_worker, alice, bob, group_a1, settings
):
    page = phone_page
    for _ in range(RESIDENTS):
        member_in(group_a1)
    with FakeSmsGateway(delay=0.2) as gateway:
        settings.SMS_GATEWAY_URL = gateway.url
        settings.SMS_API_KEY, settings.SMS_SECRET_KEY = gateway.api_key, gateway.secret_key
        settings.SMS_BRANDNAME = gateway.brandname
        settings.SMS_BULK_MIN = 1000  # one request per message, so sending takes a few seconds to watch
        settings.SMS_BULK_MAX = 5
        settings.QUIET_HOURS_SMS = "00:00-00:00"

        _log_in(page, "bob@an-binh.vn")
        page.get_by_role("link", name="Thông báo mới").click()  # a quick action of "Hôm nay"
        page.get_by_label("Tiêu đề").fill("Lịch thu gom rác mới")
        page.get_by_label("Nội dung").fill("Từ thứ Hai, xe rác đến lúc 6 giờ sáng.")
        page.get_by_label("Tổ dân phố 1").check()
        # Zalo is not set up here: it says so, and is not ticked.
        for other in ("Zalo OA (tài khoản chính thức) (chưa cài đặt)", "Nhóm Zalo (chưa cài đặt)"):
            expect(page.get_by_label(other, exact=True)).not_to_be_checked()
        page.get_by_label("Trang tin trên cổng", exact=True).uncheck()
        expect(page.get_by_label("SMS", exact=True)).to_be_checked()
        expect(page.locator('[data-reach-count="sms"]')).to_contain_text(f"{RESIDENTS} người")  # as ticked
        # The meeting's fields show only for an invitation; bold comes from a button, not from knowing Markdown.
        expect(page.get_by_label("Địa điểm họp")).to_be_hidden()
        page.get_by_label("Người đọc được đề nghị").select_option("rsvp")
        expect(page.get_by_label("Địa điểm họp")).to_be_visible()
        page.get_by_label("Người đọc được đề nghị").select_option("none")
        page.get_by_role("button", name="Chữ đậm").click()
        assert page.get_by_label("Nội dung").input_value().endswith("**")
        page.get_by_label("Nội dung").fill("Từ thứ Hai, xe rác đến lúc 6 giờ sáng.")
        page.get_by_role("button", name="Lưu và xem trước").click()
        expect(page.locator("[data-preview=sms]")).to_contain_text("Lich thu gom rac moi")
        page.get_by_role("button", name="Gửi duyệt").click()
        expect(page.locator("[data-status]")).to_have_text("Chờ duyệt")
        page.get_by_text("Danh mục").click()  # the menu folds on a phone
        page.get_by_role("button", name="Đăng xuất").click()

        # The admin lands on "Hôm nay", where what waits for her approval is counted.
        _log_in(page, "alice@an-binh.vn")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Hôm nay")
        expect(page.locator('[data-count="approvals_waiting"]')).to_have_text("1")
        page.get_by_role("link", name="chờ tôi duyệt").click()
        page.get_by_role("link", name="Lịch thu gom rác mới").click()
        page.get_by_role("link", name="Duyệt…").click()
        # No time was set: approving sends it, and the page says so, to whom, and what the SMS cost.
        expect(page.get_by_text("sẽ được gửi ngay")).to_be_visible()
        expect(page.locator("[data-audience]")).to_contain_text(f"{RESIDENTS} người")
        expect(page.locator('[data-channel="sms"]')).to_contain_text("đ")
        assert gateway.messages_total == 0  # asking sends nothing
        page.get_by_role("button", name="Có, gửi ngay").click()

        sent = page.locator('[data-stat="sent"]')
        expect(sent).not_to_have_text(str(RESIDENTS))  # still sending when the page first shows
        expect(sent).to_have_text(str(RESIDENTS), timeout=60_000)  # counted up without a reload
        assert gateway.messages_total == RESIDENTS
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways
