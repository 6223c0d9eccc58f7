"""A resident finds the report form from `/` on a phone, reports with a phone-sized photo (shrunk before it is
sent), loses nothing to a refused phone number, gets a code; staff answer; the resident follows and rates."""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import expect

from feedback.models import Report
from tests.e2e.test_accessibility import SHOTS, _serious
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def _phone_photo(path, size=(4000, 3000)) -> int:
    """A photo as a phone takes it: twelve megapixels of detail (noise compresses badly, as a real scene does),
    over the 10 MB the portal accepts, with the position the phone wrote into it."""
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (12.0, 15.0, 0.0), 3: "E", 4: (109.0, 11.0, 0.0)}  # GPS: 12.25 N, 109.1833 E
    image.save(path, "JPEG", quality=92, exif=exif)
    return path.stat().st_size


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_a_resident_reports_from_the_front_door_loses_nothing_to_an_error_follows_and_rates(
    phone_page, browser, live_server, bob, group_a1, ward_b, tmp_path
):
    page = phone_page
    photo = tmp_path / "rac.jpg"
    assert _phone_photo(photo) > 10 * 1024 * 1024
    bodies = []
    page.on("request", lambda r: bodies.append(len(r.post_data_buffer or b"")) if r.method == "POST" else None)

    # The front door: two wards here, so a chooser that finds one without accents.
    page.goto("/")
    page.get_by_label("Tên phường, xã của bạn").fill("an binh")
    page.get_by_role("link", name="Phường An Bình").click()
    expect(page.get_by_role("link", name=re.compile("Gửi phản ánh"))).to_be_visible()  # the ward's page is there
    _no_sideways_scroll(page)
    page.get_by_role("link", name=re.compile("Gửi phản ánh")).click()

    page.get_by_label("Vệ sinh môi trường").check()
    page.get_by_label("Chuyện gì xảy ra, ở đâu cụ thể?").fill("Rác thải ở đầu hẻm 12 ba tuần chưa ai thu gom")
    page.set_input_files("input[name=photos]", str(photo))
    page.get_by_label("Tổ dân phố").select_option(label=group_a1.name)
    page.get_by_label("Họ tên của bạn").fill("Nguyễn Thị Lan")
    page.get_by_label("Số điện thoại").fill("0912")  # too short: only the server can say so
    page.get_by_label("Chia sẻ vị trí của tôi với phường").check()
    expect(page.get_by_role("button", name="Gửi phản ánh")).to_be_enabled(timeout=30_000)  # the photo is shrunk
    # A slow phone connection: the page says how much of the photo has gone while it goes.
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    slow = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
    network.send("Network.emulateNetworkConditions", slow)
    page.get_by_role("button", name="Gửi phản ánh").click()
    expect(page.locator("[data-upload-text]")).to_contain_text(re.compile(r"Đang gửi… \d+ KB / \d+ KB"))
    expect(page.get_by_role("button", name="Gửi phản ánh")).to_be_disabled()  # not sent twice by a second press

    # The error summary has the focus and links to the wrong field; nothing typed or chosen is lost.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused(timeout=60_000)  # once the slow upload is done
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_phone")
    expect(page.get_by_label("Chuyện gì xảy ra, ở đâu cụ thể?")).to_have_value(
        "Rác thải ở đầu hẻm 12 ba tuần chưa ai thu gom"
    )
    expect(page.get_by_label("Tổ dân phố")).to_have_value(str(group_a1.pk))
    expect(page.get_by_label("Vệ sinh môi trường")).to_be_checked()
    # The photo stayed on the server: listed and ticked, not to be chosen and sent again.
    expect(page.get_by_label(re.compile(r"rac\.jpg"))).to_be_checked()
    assert page.locator(".errorlist").count() == 1  # no false error on a field that was right
    _no_sideways_scroll(page)
    assert _serious(Axe(), page, 390, "normal", "the report form after an error") == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("[data-photos-kept]").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "report-form-photo-kept.png"))  # for a person to look at
    network.send("Network.emulateNetworkConditions", {**slow, "downloadThroughput": -1, "uploadThroughput": -1})

    sent_before = len(bodies)
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_role("button", name="Gửi phản ánh").click()
    code = page.locator("[data-tracking-code]").inner_text().strip()
    assert re.fullmatch(r"PA-\d\d-[A-Z2-9]{5}", code)
    # The browser sent a photo of at most 1600 px, not the 12 MB: the whole form was well under 2 MB; and the
    # second time, only the form's words.
    assert max(bodies) < 2 * 1024 * 1024, bodies
    assert max(bodies[sent_before:]) < 20 * 1024, bodies
    report = Report.objects.get()
    stored = Image.open(report.photos.get().image)
    assert max(stored.size) <= 1600
    assert (round(float(report.latitude), 2), round(float(report.longitude), 2)) == (12.25, 109.18)  # from the photo

    staff = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url).new_page()
    staff.goto("/accounts/login/")
    staff.get_by_label("Email").fill("bob@an-binh.vn")
    staff.get_by_label("Mật khẩu").fill(PASSWORD)
    staff.get_by_role("button", name="Đăng nhập").click()
    staff.goto("/reports/?q=rac+thai")
    staff.get_by_role("link", name=code).click()
    staff.locator("select[name=to]").select_option("triaged")
    staff.get_by_role("button", name="Lưu").first.click()
    staff.locator("select[name=to]").select_option("resolved")
    staff.get_by_label("Cách đã giải quyết (công khai)").fill("Đội vệ sinh đã thu gom sáng 21/11.")
    staff.get_by_role("button", name="Lưu").first.click()
    expect(staff.locator("[data-status]")).to_have_text("Đã giải quyết")

    # The resident follows the report from the ward page, by its code, and rates the answer.
    page.goto(f"/p/{group_a1.ward.code}/")
    page.get_by_role("link", name=re.compile("Theo dõi phản ánh")).click()
    page.get_by_label("Mã tra cứu").fill(code)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator("[data-resolution]")).to_contain_text("Đội vệ sinh đã thu gom")
    expect(page.locator(".timeline")).to_contain_text("Đã giải quyết")  # the history in plain Vietnamese
    _no_sideways_scroll(page)
    page.get_by_label("★★★★★", exact=True).check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator("[data-status]")).to_have_text("Đã đóng")
    assert Report.objects.get().rating == 5


def test_the_browser_refuses_a_photo_too_large_or_not_a_photo_before_uploading(phone_page, group_a1, tmp_path):
    page = phone_page
    big = tmp_path / "anh-lon.jpg"
    big.write_bytes(b"\xff\xd8\xff" + b"0" * (11 * 1024 * 1024))  # 11 MB that no browser can draw, so not shrunk
    document = tmp_path / "giay-to.pdf"
    document.write_bytes(b"%PDF-1.4 not a photo")
    problem = page.locator("[data-file-problem]")

    page.goto(f"/p/{group_a1.ward.code}/report/")
    page.set_input_files("input[name=photos]", str(big))
    expect(problem).to_contain_text("anh-lon.jpg")
    expect(problem).to_contain_text("10 MB")
    page.set_input_files("input[name=photos]", str(document))
    expect(problem).to_contain_text("giay-to.pdf")
    expect(problem).to_contain_text("không phải là ảnh")
    assert page.locator("input[name=photos]").evaluate("input => input.files.length") == 0


def test_a_residents_page_starts_with_the_page_and_the_display_controls_fold_into_one(phone_page, ward_a):
    page = phone_page
    page.goto(f"/p/{ward_a.code}/")
    header = page.locator("header.top").bounding_box()
    assert header["height"] < 90, f"the header takes {header['height']} px"
    assert not page.get_by_role("button", name="A+ Chữ lớn hơn").is_visible()
    page.locator("[data-display-tools] summary").click()
    page.get_by_role("button", name="A+ Chữ lớn hơn").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
