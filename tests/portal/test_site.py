import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from groups.models import Household, Member, ResidentialGroup, StaffProfile
from groups.selectors import groups_with_coverage
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


def test_health_reports_postgresql_redis_and_the_broker(client, db):
    response = client.get(reverse("health"))
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["checks"]["database"]["backend"] == "postgresql"
    assert body["checks"]["cache"]["backend"] == "redis"
    assert body["checks"]["broker"]["ok"] is True


def test_health_says_which_part_is_down(client, db, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    from django.core.cache import caches

    caches._settings = None  # let the overridden CACHES take effect
    try:
        response = client.get(reverse("health"))
    finally:
        del caches._settings
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True


def test_production_settings_pass_the_deploy_check_when_the_secrets_are_set():
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for this process; a deployment never has it.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "ketnoi.example.vn",
        "DATABASE_URL": "sqlite:////tmp/deploy-check.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.worker
def test_make_run_starts_on_its_embedded_database_and_stops_whole_on_sigterm(tmp_path):
    """`make run` without a DATABASE_URL keeps its data in SQLite, which renames a column by remaking its table: a
    migration that only works on PostgreSQL would stop the portal from starting for a ward trying it out. And a
    service manager stops it with SIGTERM to its whole process group: web server, worker and beat all end, soon
    (Celery's main process once hung for a minute after its pool was gone)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    unset = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    env = {
        **{k: v for k, v in os.environ.items() if k not in unset},
        "PORTAL_VAR_DIR": str(tmp_path),
        "PORTAL_PORT": str(port),
    }
    log = (tmp_path / "run.log").open("w")
    run = subprocess.Popen(
        ["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
    )
    try:
        wait_until(lambda: _answers(port), what="the portal of make run to answer", timeout=240, every=0.5)
        wait_until(lambda: "ready." in (tmp_path / "run.log").read_text(), what="its worker to be ready", timeout=60)
        assert list(tmp_path.glob("*.sqlite3"))
        os.killpg(run.pid, signal.SIGTERM)
        # Stopped means every process of the group is gone, not only the script.
        wait_until(lambda: not _group_alive(run.pid), what="every process of make run to stop", timeout=10)
    finally:
        if _group_alive(run.pid):
            os.killpg(run.pid, signal.SIGKILL)  # whatever happened, nothing of it outlives the test
        run.wait(timeout=10)
        log.close()


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs (a zombie waiting for its parent to read its status does not)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def test_pages_are_in_vietnamese_even_for_a_phone_set_to_english(client, db):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Đăng nhập" in page and 'lang="vi"' in page


def test_english_is_available_from_the_language_switcher(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"}, follow=True)
    page = response.content.decode()
    assert "Staff log in" in page and 'lang="en"' in page


def test_every_message_has_a_vietnamese_translation_and_the_catalogue_is_compiled():
    po = polib.pofile(str(ROOT / "locale/vi/LC_MESSAGES/django.po"))
    missing = [e.msgid for e in po if not e.translated() and not e.obsolete]
    assert missing == [], missing[:10]
    mo = polib.mofile(str(ROOT / "locale/vi/LC_MESSAGES/django.mo"))
    compiled = {e.msgid: e.msgstr or e.msgstr_plural for e in mo}
    stale = [e.msgid for e in po.translated_entries() if e.msgid not in compiled]
    assert stale == [], stale[:10]


def test_text_size_and_contrast_controls_are_on_every_page(client, db):
    page = client.get(reverse("account_login")).content.decode()
    assert 'data-action="text-bigger"' in page and 'data-action="contrast"' in page
    # Nothing loaded from another site (a CSRF token may hold the letters "cdn": look at addresses only).
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', page)


def test_static_files_are_served_by_the_portal(client, db):
    response = client.get("/" + settings.STATIC_URL.strip("/") + "/css/portal.css")
    assert response.status_code == 200


def test_seed_demo_builds_a_ward_like_the_field_and_is_safe_to_run_twice(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    groups = list(groups_with_coverage(ResidentialGroup.objects.filter(ward__code="99001")))
    assert len(groups) == 15
    assert 200 <= Household.objects.count() <= 900 and Member.objects.count() >= 300
    percents = {round(100 * g.households_covered / g.households_total) for g in groups}
    assert len(percents) >= 8 and min(percents) < 40 and max(percents) > 80
    assert sorted(StaffProfile.objects.values_list("role", flat=True)) == ["group_leader", "ward_admin", "ward_staff"]
    demo = Member.objects.filter(ward__code="99001")
    assert demo.values("phone").distinct().count() == demo.count()
    assert {m.role for g in groups for m in g.memberships.all()} >= {
        "group_head",
        "front_head",
        "branch_head",
        "police",
    }


def test_the_demo_province_shows_its_three_wards_to_its_admin(client, db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    assert client.login(username="province@demo.ketnoiphuong.vn", password="KetNoi@2026")

    page = client.get("/province/")
    wards = page.context["wards"]
    assert len(wards) == 3 and all(w.covered > 0 for w in wards)
    assert page.context["figures"].total.overdue >= 1  # something for the province to look at first
    assert page.context["figures"].total.received >= 7  # the reports the demo's wards received this month
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/province/"
    notice = client.get("/province/announcements/").context["notices"][0]
    assert notice.status == "sent"  # the province's Tết letter, on the three wards' public pages
    assert "Thư chúc Tết" in client.get("/p/99002/").content.decode()
    (campaign,) = client.get("/province/campaigns/").context["rows"]
    assert len(campaign.wards) == 3 and campaign.amount > 0  # running in the three wards, with entries


@pytest.mark.parametrize("url", ["/accounts/signup/"])
def test_nobody_can_sign_up_as_staff(client, db, url):
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"email": "x@x.vn", "password1": "Abcdef-123456", "password2": "Abcdef-123456"}).status_code
        == 404
    )
