"""A resident reports on a phone with a photo and gets a code; staff answer; the resident reads it and rates."""

import re

import pytest
from playwright.sync_api import expect

from feedback.models import Feedback
from tests.announcements.test_compose import jpeg_bytes
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_resident_reports_staff_answer_and_the_resident_rates(
    phone_page, browser, live_server, bob, group_a1, tmp_path
):
    page = phone_page
    photo = tmp_path / "rac.jpg"
    photo.write_bytes(jpeg_bytes((1200, 900)))

    page.goto(f"/p/{group_a1.ward.code}/report/")
    page.get_by_label("Vệ sinh môi trường").check()
    page.get_by_label("Chuyện gì xảy ra, ở đâu cụ thể?").fill("Rác thải ở đầu hẻm 12 ba tuần chưa ai thu gom")
    page.set_input_files("input[name=photos]", str(photo))
    page.get_by_label("Tổ dân phố").select_option(label=group_a1.name)
    page.get_by_label("Họ tên của bạn").fill("Nguyễn Thị Lan")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_role("button", name="Gửi phản ánh").click()
    code = page.locator("[data-tracking-code]").inner_text().strip()
    assert re.fullmatch(r"PA-\d\d-[A-Z2-9]{5}", code)

    staff = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url).new_page()
    staff.goto("/accounts/login/")
    staff.get_by_label("Email").fill("bob@an-binh.vn")
    staff.get_by_label("Mật khẩu").fill(PASSWORD)
    staff.get_by_role("button", name="Đăng nhập").click()
    staff.goto("/feedback/?q=rac+thai")
    staff.get_by_role("link", name=code).click()
    staff.locator("select[name=to]").select_option("triaged")
    staff.get_by_role("button", name="Lưu").first.click()
    staff.locator("select[name=to]").select_option("resolved")
    staff.get_by_label("Cách đã giải quyết (công khai)").fill("Đội vệ sinh đã thu gom sáng 21/11.")
    staff.get_by_role("button", name="Lưu").first.click()
    expect(staff.locator("[data-status]")).to_have_text("Đã giải quyết")

    page.goto(f"/report/status/?code={code}")
    expect(page.locator("[data-resolution]")).to_contain_text("Đội vệ sinh đã thu gom")
    page.get_by_label("★★★★★", exact=True).check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator("[data-status]")).to_have_text("Đã đóng")
    assert Feedback.objects.get().rating == 5


def test_the_browser_refuses_a_photo_too_large_or_not_a_photo_before_uploading(phone_page, group_a1, tmp_path):
    page = phone_page
    big = tmp_path / "anh-lon.jpg"
    big.write_bytes(b"\xff\xd8\xff" + b"0" * (11 * 1024 * 1024))  # 11 MB, over the 10 MB limit
    document = tmp_path / "giay-to.pdf"
    document.write_bytes(b"%PDF-1.4 not a photo")

    page.goto(f"/p/{group_a1.ward.code}/report/")
    page.set_input_files("input[name=photos]", str(big))
    too_large = page.locator("[data-file-problem]").inner_text()
    page.set_input_files("input[name=photos]", str(document))
    not_a_photo = page.locator("[data-file-problem]").inner_text()

    assert "anh-lon.jpg" in too_large and "10 MB" in too_large
    assert "giay-to.pdf" in not_a_photo and "không phải là ảnh" in not_a_photo
    assert page.locator("input[name=photos]").evaluate("input => input.files.length") == 0
