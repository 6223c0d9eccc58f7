"""An admin imports a member list in a real browser, fixes the bad row, and sees the coverage change."""

import pytest

from groups.models import Member
from tests.factories import PASSWORD
from tests.groups.spreadsheets import xlsx

pytestmark = pytest.mark.e2e

HEADER = ["Họ và tên", "Số điện thoại", "Địa chỉ/hộ", "Vai trò"]
ROWS = [
    ["Nguyễn Văn An", "0912 345 678", "1 Trần Phú", "Tổ trưởng"],
    ["Trần Thị Bình", "0912 345 679", "2 Trần Phú", ""],
    ["Lê Văn Cường", "0912 345 67", "3 Trần Phú", ""],
]


def test_admin_imports_a_list_fixes_the_bad_row_and_sees_coverage_rise(phone_page, alice, group_a1, tmp_path):
    page = phone_page
    bad_file = tmp_path / "danh-sach.xlsx"
    bad_file.write_bytes(xlsx([HEADER, *ROWS]))
    fixed_file = tmp_path / "danh-sach-da-sua.xlsx"
    fixed_file.write_bytes(xlsx([HEADER, *ROWS[:2], ["Lê Văn Cường", "0912 345 670", "3 Trần Phú", ""]]))

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("alice@an-binh.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Các tổ", exact=True).click()  # from "Today", where staff land
    page.get_by_role("link", name="Tổ dân phố 1").click()
    assert "0,0%" in page.locator("#group-coverage").inner_text()

    page.get_by_role("link", name="Nhập từ Excel").click()
    page.set_input_files("input[type=file]", str(bad_file))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    bad_row = page.locator("tr.bad")
    assert bad_row.count() == 1
    assert "Lê Văn Cường" in bad_row.inner_text()
    assert "không phải số điện thoại Việt Nam hợp lệ" in bad_row.inner_text()
    assert Member.objects.count() == 0

    page.get_by_role("link", name="Tải lên tệp khác").click()
    page.set_input_files("input[type=file]", str(fixed_file))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    assert page.locator("tr.bad").count() == 0
    page.get_by_role("button", name="Nhập 3 dòng").click()

    page.wait_for_selector("text=Đã nhập 3 thành viên.")
    coverage = page.locator("#group-coverage").inner_text()
    assert "30,0%" in coverage and "3 / 10" in coverage
    assert page.locator("#members tbody tr").count() == 3
    page.screenshot(path=str(tmp_path / "after-import.png"), full_page=True)
