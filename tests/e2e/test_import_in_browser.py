"""An admin downloads the Excel template, fills it in, imports it on a phone, fixes the bad row, and sees the
coverage change."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from groups.models import Member
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

ROWS = [
    ["Nguyễn Văn An", "0912 345 678", "1 Trần Phú", "Tổ dân phố 1", "Tổ trưởng", "", ""],
    ["Trần Thị Bình", "0912 345 679", "2 Trần Phú", "Tổ dân phố 1", "", "", ""],
    ["Lê Văn Cường", "0912 345 67", "3 Trần Phú", "Tổ dân phố 1", "", "", ""],
]


def _filled(template: bytes, rows: list[list[str]]) -> bytes:
    """The template as an officer fills it: the example row replaced by the real ones, the header kept."""
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def test_admin_imports_a_list_fixes_the_bad_row_and_sees_coverage_rise(phone_page, alice, group_a1, tmp_path):
    page = phone_page
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("alice@an-binh.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Danh mục").click()  # from "Today", where staff land, through the folded menu
    page.get_by_role("link", name="Các tổ", exact=True).click()
    page.get_by_role("link", name="Tổ dân phố 1").click()
    expect(page.locator("#group-coverage")).to_contain_text("0,0%")  # the group's page, once it is there

    page.get_by_role("link", name="Nhập từ Excel").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải mẫu danh sách Excel").click()
    template = open(download.value.path(), "rb").read()
    assert "Giá trị hợp lệ" in openpyxl.load_workbook(io.BytesIO(template)).sheetnames  # valid roles and channels
    bad_file = tmp_path / "danh-sach.xlsx"
    bad_file.write_bytes(_filled(template, ROWS))
    fixed_file = tmp_path / "danh-sach-da-sua.xlsx"
    fixed_file.write_bytes(
        _filled(template, [*ROWS[:2], ["Lê Văn Cường", "0912 345 670", "3 Trần Phú", "", "", "", ""]])
    )
    page.set_input_files("input[type=file]", str(bad_file))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    bad_row = page.locator("tr.bad")
    expect(bad_row).to_have_count(1)  # the preview, once it is there
    assert "Lê Văn Cường" in bad_row.inner_text()
    assert "không phải số điện thoại Việt Nam hợp lệ" in bad_row.inner_text()
    assert Member.objects.count() == 0

    page.get_by_role("link", name="Tải lên tệp khác").click()
    page.set_input_files("input[type=file]", str(fixed_file))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.get_by_role("button", name="Nhập 3 dòng")).to_be_visible()  # the new preview, not the old page
    expect(page.locator("tr.bad")).to_have_count(0)
    page.get_by_role("button", name="Nhập 3 dòng").click()

    page.wait_for_selector("text=Đã nhập 3 thành viên.")
    coverage = page.locator("#group-coverage").inner_text()
    assert "30,0%" in coverage and "3 / 10" in coverage
    assert page.locator("#members tbody tr").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the member table is cards, not a scroll
