"""A group leader collects for the fund for the poor on a 390-px phone: three households, the third while the
phone has no connection, which is sent by itself when the connection returns. The ward's progress moves, and the
public page shows the totals with only the name of the household that agreed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Entry
from groups.models import Household
from tests.factories import PASSWORD, member_in

pytestmark = pytest.mark.e2e


def _household(group, address: str, head: str) -> Household:
    household = Household.objects.create(group=group, address=address, address_folded=address.lower())
    household.head = member_in(group, household=household, full_name=head)
    household.save()
    return household


def _record(page, search: str, choice: str, amount: str, *, named: bool = False) -> None:
    page.get_by_label("Tìm hộ").fill(search)  # typed without accents, as on a phone keyboard
    page.get_by_label(choice).check()
    page.get_by_label("Số tiền (đồng)").fill(amount)
    if named:
        page.get_by_label("Hộ đồng ý công khai tên trên trang công khai").check()
    page.get_by_role("button", name="Lưu").click()


def test_a_leader_records_three_gifts_one_offline_and_the_public_page_names_only_who_agreed(
    celery_worker,
    alice,
    phone_page,
    fund,
    group_a1,
    carol,
):
    page = phone_page
    _household(group_a1, "5 Lê Lợi", "Nguyễn Văn An")
    _household(group_a1, "7 Lê Lợi", "Trần Thị Bình")
    _household(group_a1, "9 Lê Lợi", "Phạm Văn Cường")

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("carol@an-binh.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    # The leader's first page: "Record a contribution" for the running fund, one tap.
    page.get_by_role("link", name="Ghi nhận đóng góp").first.click()
    page.wait_for_load_state("networkidle")  # the households of the leader's group are now kept on the phone

    _record(page, "nguyen van an", "5 Lê Lợi · Nguyễn Văn An", "500.000", named=True)
    expect(page.locator("[data-recent]")).to_contain_text("5 Lê Lợi")
    _record(page, "tran thi binh", "7 Lê Lợi · Trần Thị Bình", "200.000")
    expect(page.locator("[data-recent]")).to_contain_text("7 Lê Lợi")

    # No connection: the entry is kept on the phone, shown as waiting, and nothing reaches the ward yet.
    page.context.set_offline(True)
    _record(page, "pham van cuong", "9 Lê Lợi · Phạm Văn Cường", "300.000")
    outbox = page.locator("#outbox")
    expect(outbox).to_be_visible()
    expect(outbox).to_contain_text("9 Lê Lợi")
    expect(outbox).to_contain_text("Đang chờ có mạng")
    assert Entry.objects.count() == 2

    page.context.set_offline(False)  # the connection returns: the phone sends it by itself
    expect(outbox).to_be_hidden()
    expect(page.locator("[data-recent]")).to_contain_text("9 Lê Lợi")
    assert sorted(Entry.objects.values_list("amount", flat=True)) == [200_000, 300_000, 500_000]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(f"/campaigns/{fund.pk}/")
    expect(page.locator(".stat")).to_have_text("1.000.000 đ")
    expect(page.locator('[data-group="Tổ dân phố 1"]')).to_contain_text("10\u00a0%")  # of its 10.000.000

    page.context.clear_cookies()  # a resident, not signed in
    page.goto(f"/p/{fund.ward.code}/campaigns/{fund.pk}/")
    expect(page.locator(".stat")).to_have_text("1.000.000 đ")
    contributions = page.locator("[data-contributions]")
    expect(contributions).to_contain_text("Nguyễn Văn An")
    expect(contributions).to_contain_text("một hộ dân")
    body = page.content()
    assert "Trần Thị Bình" not in body and "Phạm Văn Cường" not in body
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The ward admin makes the report on the phone: a worker builds it, the page shows it ready, it downloads.
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("alice@an-binh.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto("/ward-report/")
    today = timezone.localdate()
    page.get_by_label("Ngày bắt đầu").fill((today - timedelta(days=30)).isoformat())
    page.get_by_label("Ngày kết thúc").fill(today.isoformat())
    page.get_by_label("Người ký").fill("Trần Thị Hoa")  # the document is signed on the committee's behalf
    page.get_by_role("button", name="Tạo báo cáo").click()
    download_link = page.locator("[data-download]")
    expect(download_link).to_be_visible(timeout=60_000)  # the page polls the job until the worker is done
    with page.expect_download() as download:
        download_link.click()
    report = download.value.path().read_bytes()
    assert report.startswith(b"%PDF") and len(report) > 10_000


def test_a_wrong_or_missing_amount_keeps_everything_typed_and_says_so_at_the_field(phone_page, fund, group_a1, carol):
    page = phone_page
    _household(group_a1, "5 Lê Lợi", "Nguyễn Văn An")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("carol@an-binh.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"/campaigns/{fund.pk}/record/")
    page.wait_for_load_state("networkidle")

    page.get_by_label("Tìm hộ").fill("nguyen van an")
    page.get_by_label("5 Lê Lợi · Nguyễn Văn An").check()
    page.get_by_label("Số biên lai").fill("BL-77")
    page.get_by_role("button", name="Lưu").click()  # no amount

    amount = page.get_by_label("Số tiền (đồng)")
    expect(page.locator('[data-field-error="amount"]')).to_be_visible()
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("5 Lê Lợi · Nguyễn Văn An")).to_be_checked()
    expect(page.get_by_label("Số biên lai")).to_have_value("BL-77")
    expect(page.locator("#outbox")).to_be_hidden()  # nothing about a connection: none was lost

    amount.fill("1,500.75")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator('[data-field-error="amount"]')).to_contain_text("số nguyên")
    amount.fill("500.000")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("[data-recent]")).to_contain_text("5 Lê Lợi")
    assert list(Entry.objects.values_list("amount", "receipt_number")) == [(500_000, "BL-77")]
    page.screenshot(path="/tmp/shots/record_after.png", full_page=True)


def test_the_public_campaign_page_says_what_and_how_before_one_and_a_half_screens(phone_page, fund, alice):
    from pathlib import Path

    from campaigns import services

    services.campaign_about_set(
        campaign=fund,
        data=services.CampaignAbout(
            purpose="Giúp 12 hộ nghèo sửa nhà trước mùa mưa.",
            how_to_give="Tổ trưởng thu tại nhà văn hóa, 18–20 giờ các tối thứ Bảy, đến 31/12.",
            bank_bin="970436",
            bank_account="0011001234567",
            bank_holder="UB MTTQ phuong An Binh",
        ),
        by=alice,
    )
    page = phone_page
    page.goto(f"/p/{fund.ward.code}/campaigns/{fund.pk}/")
    by_group = page.get_by_role("heading", name="Theo tổ")
    top = by_group.evaluate("element => element.getBoundingClientRect().top + window.scrollY")
    assert top < 1.5 * 844, f"the per-group list starts at {top} px"
    expect(page.locator("[data-purpose]")).to_be_visible()
    page.locator("[data-vietqr] summary").click()
    expect(page.locator("[data-vietqr] svg")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shots = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "campaign-public.png"), full_page=True)
