"""Headers, doors and settings that keep the portal safe when someone probes it from outside."""

import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from feedback.models import Report
from tests.feedback.conftest import submitted

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
REPORT = {
    "category": "environment",
    "description": "Rác thải để ở đầu hẻm 12 ba tuần chưa ai thu gom.",
    "anonymous": "on",
}


def test_every_page_has_a_content_security_policy_and_no_inline_script(ward_a, group_a1, alice, client_for, client):
    pages = [client.get(f"/p/{ward_a.code}/"), client.get(f"/p/{ward_a.code}/report/"), client.get("/accounts/login/")]
    staff = client_for(alice)
    pages += [staff.get(path) for path in ("/reports/", "/announcements/", f"/groups/{group_a1.pk}/", "/groups/")]

    for page in pages:
        policy = page["Content-Security-Policy"]
        script = re.search(r"script-src ([^;]+)", policy).group(1)
        assert "'self'" in script and "unsafe-inline" not in script and "unsafe-eval" not in script
        assert "frame-ancestors 'none'" in policy
        html = page.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
        assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_forwarded_headers_are_believed_only_behind_a_trusted_proxy(ward_a, client, settings):
    from portal.common.audit import client_ip

    class Request:
        META = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}

    settings.TRUSTED_PROXY = False
    untrusted = client_ip(Request())
    settings.TRUSTED_PROXY = True
    trusted = client_ip(Request())

    assert untrusted == "10.0.0.5" and trusted == "203.0.113.7"
    from portal import settings as production

    assert production.SECURE_PROXY_SSL_HEADER is None  # the default: no proxy is trusted


def test_behind_a_trusted_proxy_rate_limits_count_each_real_client(ward_a, client, settings):
    settings.TRUSTED_PROXY = True
    settings.REPORT_RATE_LIMIT_PER_HOUR = 2

    def send(address, number):
        return client.post(
            f"/p/{ward_a.code}/report/",
            {**REPORT, "form_token": f"t{address}{number}"},
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {address}",
            REMOTE_ADDR="10.0.0.5",
        )

    statuses = [send("203.0.113.7", n).status_code for n in range(3)]
    other = send("198.51.100.9", 0).status_code

    assert statuses == [302, 302, 200]  # the third from the same resident is refused with a message
    assert other == 302  # a neighbour behind the same proxy is not


def test_the_admin_login_goes_through_the_limited_portal_login(alice, client):
    alice.set_password("right-password")
    alice.is_staff = True
    alice.save()

    posted = client.post("/admin/login/", {"username": alice.email, "password": "right-password"})

    assert posted.status_code == 302 and posted["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session  # the admin form never checked a password
    for _try in range(12):
        client.post("/accounts/login/", {"login": alice.email, "password": "wrong"})
    locked = client.post("/accounts/login/", {"login": alice.email, "password": "right-password"})
    assert "_auth_user_id" not in client.session and locked.status_code in {200, 429}


def test_api_docs_need_a_staff_login_and_load_nothing_from_a_cdn(alice, client, client_for):
    anonymous = [client.get(path) for path in ("/api/docs/", "/api/redoc/")]
    schema = client.get("/api/schema/")

    assert all(r.status_code == 302 and "/accounts/login/" in r["Location"] for r in anonymous)
    assert schema.status_code in {401, 403}
    staff = client_for(alice)
    for path in ("/api/docs/", "/api/redoc/"):
        html = staff.get(path).content.decode()
        assert "drf_spectacular_sidecar" in html
        assert not re.search(r"https?://(?!127\.0\.0\.1|localhost|testserver)", html.replace("http://www.w3.org", ""))
    script = staff.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert staff.get("/api/schema/").status_code == 200


def test_the_portal_refuses_to_start_without_a_secret_key_when_debug_is_off():
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings", DJANGO_DEBUG="0")

    refused = subprocess.run(
        [sys.executable, "-c", "import portal.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    started = subprocess.run(
        [sys.executable, "-c", "import portal.wsgi"],
        cwd=ROOT,
        env={**env, "DJANGO_SECRET_KEY": "a-long-random-value-for-this-test-only-0123456789"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert refused.returncode != 0 and "DJANGO_SECRET_KEY is not set" in refused.stderr
    assert started.returncode == 0, started.stderr


def test_the_bulk_action_redirects_only_within_the_portal(ward_a, bob, client_for):
    report = submitted(ward_a)
    staff = client_for(bob)

    outside = staff.post(
        "/reports/bulk/",
        {
            "ids": [report.pk],
            "action": "priority",
            "priority": "urgent",
            "next": "https://evil.example/phish",
            "confirmed": "1",
        },
    )
    scheme = staff.post(
        "/reports/bulk/",
        {"ids": [report.pk], "action": "priority", "priority": "normal", "next": "//evil.example/", "confirmed": "1"},
    )
    inside = staff.post(
        "/reports/bulk/",
        {
            "ids": [report.pk],
            "action": "priority",
            "priority": "urgent",
            "next": "/reports/?status=open",
            "confirmed": "1",
        },
    )

    assert outside["Location"] == scheme["Location"] == "/reports/"
    assert inside["Location"] == "/reports/?status=open"


def test_a_photo_of_more_than_40_megapixels_is_refused_before_it_is_decoded(ward_a, client):
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, "PNG")  # 48 MP that compress to a few kilobytes
    bomb = SimpleUploadedFile("anh.png", buffer.getvalue(), content_type="image/png")

    response = client.post(f"/p/{ward_a.code}/report/", {**REPORT, "form_token": "mp", "photos": [bomb]})

    assert response.status_code == 200 and "40 megapixel" in response.content.decode()
    assert not Report.objects.exists()


def test_a_body_over_the_limit_is_refused_before_it_is_read(ward_a, client, settings):
    settings.REQUEST_MAX_BYTES = 1024
    photo = SimpleUploadedFile("anh.jpg", b"x" * 4096, content_type="image/jpeg")

    page = client.post(f"/p/{ward_a.code}/report/", {**REPORT, "form_token": "big", "photos": [photo]})
    api = client.post("/api/reports/", {"description": "x" * 4096})

    assert page.status_code == 413 and "MB" in page.content.decode() and "<html" in page.content.decode()
    assert api.status_code == 413 and "detail" in api.json()
    assert not Report.objects.exists()


def test_file_inputs_tell_the_browser_their_limits(ward_a, client):
    html = client.get(f"/p/{ward_a.code}/report/").content.decode()

    field = re.search(r'<input type="file" name="photos"[^>]*>', html).group(0)
    assert 'data-max-bytes="10485760"' in field and 'data-max-files="5"' in field
    assert 'accept="image/jpeg,image/png,image/webp"' in field and "data-too-large" in field


def test_log_lines_never_carry_an_email_address_or_a_phone_number():
    from portal.common.text import MaskingFormatter

    record = logging.LogRecord(
        "announcements", logging.ERROR, __file__, 1, "refused %s and %s", ("lan@example.vn", "+84 912 345 678"), None
    )

    line = MaskingFormatter("%(message)s").format(record)

    assert "lan@example.vn" not in line and "912 345 678" not in line and "l***@example.vn" in line


def test_an_oversized_body_is_refused_before_any_part_of_the_portal_reads_it(ward_a, client, settings, monkeypatch):
    from django.http import HttpRequest

    settings.REQUEST_MAX_BYTES = 1024
    read = []
    original = HttpRequest.read
    monkeypatch.setattr(HttpRequest, "read", lambda self, *a, **k: read.append(1) or original(self, *a, **k))

    response = client.post(f"/p/{ward_a.code}/report/", {**REPORT, "description": "x" * 4096})

    assert response.status_code == 413 and not read


def test_reading_the_settings_touches_no_disk_and_starting_django_makes_the_var_folders(tmp_path):
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(PORTAL_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="portal.settings")
    root = Path(__file__).resolve().parents[2]

    subprocess.run([sys.executable, "-c", "import portal.settings"], cwd=root, env=env, check=True)
    assert not var.exists()
    subprocess.run([sys.executable, "manage.py", "check"], cwd=root, env=env, check=True, capture_output=True)
    assert (var / "broker" / "out").is_dir()  # the embedded broker's folders, for a worker about to start


def test_a_stranger_guessing_an_officers_password_is_refused_while_the_owner_still_signs_in(alice):
    """On a typhoon day a stranger must not be able to keep an officer out with wrong passwords."""
    from django.test import Client

    alice.set_password("right-password")
    alice.save()

    def sign_in(ip: str, password: str) -> bool:
        client = Client(REMOTE_ADDR=ip)
        client.post("/accounts/login/", {"login": alice.email, "password": password})
        return "_auth_user_id" in client.session

    assert sign_in("10.0.0.1", "right-password")  # the office: her usual address
    # A stranger tries from one address, then from many (a botnet): every address is soon refused.
    for _try in range(6):
        sign_in("203.0.113.5", "wrong")
    assert not sign_in("203.0.113.5", "right-password")
    for number in range(40):
        sign_in(f"198.51.100.{number}", "wrong")
    assert not sign_in("198.51.100.250", "right-password")  # a new address: the account-wide limit holds it

    assert sign_in("10.0.0.1", "right-password")  # the owner, from her usual address, is let in


def test_a_form_sent_without_its_security_token_answers_the_portals_page_in_vietnamese(alice):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    answer = strict.post("/account/tokens/", {"name": "x"}, HTTP_REFERER="http://testserver/account/tokens/")
    page = answer.content.decode()
    assert answer.status_code == 403 and "Trang đã hết hạn" in page and "Không có gì được lưu" in page
    assert "CSRF verification failed" not in page and 'href="http://testserver/account/tokens/"' in page
    api = strict.post("/api/groups/", {"name": "x"}, content_type="application/json")
    assert api.status_code == 403 and api.json()["detail"]
