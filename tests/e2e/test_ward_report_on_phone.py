"""A ward admin makes the six-monthly report on a 390-px phone: the form offers the place and the recipients, a
missing signer is said at its field with every typed value kept, then the Word file is made by the worker while
the page shows its progress, and it downloads with the number and the signer in it."""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from docx import Document
from playwright.sync_api import expect

from tests.e2e.test_accessibility import SHOTS, _serious
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_an_admin_makes_the_signed_report_as_a_word_file_on_a_phone(celery_worker, alice, ward_a, phone_page):
    page = phone_page
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto("/ward-report/")
    expect(page.get_by_label("Nơi nhận")).to_have_value(re.compile("Lưu: VT"))  # the usual recipients, offered
    problems = _serious(Axe(), page, 390, "normal", "/ward-report/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("Word (DOCX), để sửa trước khi ký").check()
    page.get_by_label("Số văn bản").fill("12")
    page.get_by_role("button", name="Tạo báo cáo").click()
    expect(page.get_by_text("Vui lòng ghi tên người ký").last).to_be_visible()  # at the field, nothing lost
    expect(page.get_by_label("Số văn bản")).to_have_value("12")
    expect(page.get_by_label("Word (DOCX), để sửa trước khi ký")).to_be_checked()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "ward-report-form.png"), full_page=True)

    page.get_by_label("Người ký").fill("Trần Thị Hoa")
    page.get_by_role("button", name="Tạo báo cáo").click()
    download_link = page.get_by_role("link", name=re.compile("Tải về"))
    expect(download_link).to_be_visible(timeout=60_000)  # the worker made it; the page stopped waiting
    problems += _serious(Axe(), page, 390, "normal", "the report's status page")
    with page.expect_download() as waiting:
        download_link.click()
    document = Document(io.BytesIO(open(waiting.value.path(), "rb").read()))
    text = " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Số: 12/BC-MTTQ" in text and "Trần Thị Hoa" in text and "TM. BAN THƯỜNG TRỰC" in text
    assert not problems, "\n".join(problems)
