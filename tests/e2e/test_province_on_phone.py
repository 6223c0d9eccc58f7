"""A province officer on a phone: every ward as a card, worst first by what they choose, one ward's figures a tap
away; nothing scrolls sideways and axe finds nothing serious."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from feedback.models import Report
from tests.e2e.test_accessibility import serious_on
from tests.e2e.test_staff_on_phone import _log_in
from tests.factories import GroupFactory, WardFactory, province_user

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_a_province_officer_finds_the_ward_that_needs_them_first_on_a_phone(phone_page, ward_a):
    late = WardFactory(name="Phường Vĩnh Hải", code="30003", province=ward_a.province)
    GroupFactory(ward=ward_a, households_total=120, covered=96)
    GroupFactory(ward=late, households_total=80, covered=20)
    Report.objects.create(
        ward=late, tracking_code="PA-X", category="other", description="x", resolve_due_at=timezone.now() - timedelta(1)
    )
    user = province_user("tinh@khanh-hoa.vn", province=ward_a.province)
    page = phone_page
    _log_in(page, user.email)

    page.wait_for_url("**/province/")
    cards = page.locator("[data-province-wards] tbody tr")
    assert cards.count() == 2
    assert cards.first.get_attribute("data-ward") == "30003"  # the lowest coverage first: 25 % against 80 %
    assert "80 %" in page.locator("[data-ward='20001']").inner_text().replace("\u00a0", " ")
    page.get_by_text("Tìm, lọc, sắp xếp").click()
    page.get_by_label("Xếp nơi cần chú ý nhất lên đầu theo").select_option("overdue")
    page.get_by_role("button", name="Xem").click()
    assert page.locator("[data-province-wards] tbody tr").first.get_attribute("data-ward") == "30003"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "province-phone.png"), full_page=True)
    problems = serious_on(page)

    page.get_by_role("link", name="Phường Vĩnh Hải").click()
    page.wait_for_url("**/province/wards/30003/")
    assert "chỉ xem" in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "province-ward-phone.png"), full_page=True)
    problems += serious_on(page, "ward page: ")
    assert not problems, problems


def test_a_province_admin_sends_a_warning_to_two_wards_and_watches_each_finish_on_a_phone(
    phone_page, celery_worker, sms_gateway, ward_a, ward_b, group_a1, group_b1
):
    from playwright.sync_api import expect

    from tests.factories import member_in

    for group in (group_a1, group_a1, group_b1):
        member_in(group)
    user = province_user("tinh@khanh-hoa.vn", province=ward_a.province)
    page = phone_page
    _log_in(page, user.email)
    page.wait_for_url("**/province/")

    page.get_by_role("link", name="Thông báo của tỉnh, thành phố").first.click()
    page.get_by_role("link", name="Viết thông báo của tỉnh, thành phố").click()
    page.get_by_label("Tiêu đề").fill("Cảnh báo bão số 9")
    page.get_by_label("Nội dung").fill("Bão đổ bộ đêm nay, bà con chằng chống nhà cửa.")
    page.get_by_label("Khẩn").check()
    page.get_by_role("button", name="Lưu và xem trước").click()
    expect(page.get_by_text("Gửi tới 2 phường, xã")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="Gửi…").click()
    expect(page.get_by_text("kể cả ban đêm")).to_be_visible()
    assert sms_gateway.messages_total == 0  # asking sends nothing
    page.get_by_role("button", name="Có, gửi ngay").click()

    # Each ward's line reaches 100 % by itself as the worker sends (the block refreshes every few seconds).
    for code in (ward_a.code, ward_b.code):
        expect(page.locator(f"[data-progress] [data-ward='{code}']")).to_contain_text("100", timeout=30_000)
    assert sms_gateway.messages_total == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "province-notice-phone.png"), full_page=True)


def test_a_province_admin_opens_a_campaign_over_the_wards_and_residents_see_each_wards_share(
    phone_page, ward_a, ward_b
):
    from playwright.sync_api import expect

    GroupFactory(ward=ward_a, households_total=100)
    GroupFactory(ward=ward_b, households_total=300)
    user = province_user("tinh@khanh-hoa.vn", province=ward_a.province)
    page = phone_page
    _log_in(page, user.email)
    page.wait_for_url("**/province/")

    page.get_by_role("link", name="Cuộc vận động của tỉnh, thành phố").first.click()
    page.get_by_role("link", name="Mở cuộc vận động của tỉnh, thành phố").click()
    page.get_by_label("Tên cuộc vận động").fill("Quỹ Vì người nghèo của tỉnh")
    page.get_by_label("Ngày kết thúc").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    page.get_by_label("Chỉ tiêu của tỉnh, thành phố").fill("40.000.000")
    page.get_by_role("button", name="Mở cuộc vận động ở các phường, xã").click()

    shares = page.locator("[data-wards] tbody tr")
    expect(shares).to_have_count(2)
    assert "10.000.000" in page.locator(f"[data-wards] [data-ward='{ward_a.code}']").inner_text()
    assert "30.000.000" in page.locator(f"[data-wards] [data-ward='{ward_b.code}']").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "province-campaign-phone.png"), full_page=True)

    public = page.get_by_role("link", name="Trang công khai").get_attribute("href")
    page.context.clear_cookies()
    page.goto(public)
    expect(page.locator("[data-wards] tbody tr")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_province_admin_onboards_a_ward_from_a_sheet_on_a_phone(phone_page, ward_a, tmp_path):
    from playwright.sync_api import expect

    from tests.province.test_onboarding import _sheet, _thirty_groups

    sheet = tmp_path / "tan-lap.xlsx"
    sheet.write_bytes(_sheet(_thirty_groups()).read())
    user = province_user("tinh@khanh-hoa.vn", province=ward_a.province)
    page = phone_page
    _log_in(page, user.email)
    page.wait_for_url("**/province/")

    page.goto("/province/onboarding/")
    page.get_by_label("Tên phường, xã").fill("Phường Tân Lập")
    page.get_by_label("Mã hành chính").fill("22333")
    page.get_by_label("Bảng đã điền (.xlsx hoặc .csv)").set_input_files(str(sheet))
    page.get_by_role("button", name="Kiểm tra bảng").click()
    expect(page.get_by_text("Mọi dòng đều đúng.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="Tạo phường…").click()
    page.get_by_role("button", name="Có, tạo phường").click()
    page.wait_for_url("**/province/wards/22333/")
    expect(page.locator("h1")).to_contain_text("Phường Tân Lập")
    page.screenshot(path=str(SHOTS / "province-onboarded-phone.png"), full_page=True)


def test_a_province_admin_makes_the_provinces_report_on_a_phone(phone_page, celery_worker, ward_a, ward_b):
    from playwright.sync_api import expect

    user = province_user("tinh@khanh-hoa.vn", province=ward_a.province)
    page = phone_page
    _log_in(page, user.email)
    page.wait_for_url("**/province/")

    page.goto("/province/report/")
    page.get_by_label("Excel (XLSX), số liệu và biểu đồ").check()
    page.get_by_role("button", name="Tạo báo cáo").click()
    download = page.locator("[data-download]")
    expect(download).to_be_visible(timeout=30_000)  # the worker made it; the page saw it by itself
    with page.expect_download() as made:
        download.click()
    assert made.value.suggested_filename.endswith(".xlsx")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
