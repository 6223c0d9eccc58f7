"""Named people of two wards, so every test reads as a sentence about who can do what.

Ward A (Phường An Bình): alice is its ward admin, bob its ward staff, carol the leader of group A1.
Ward B (Phường Bến Gỗ): dave is its ward admin. Nobody of ward A may ever see anything of ward B.
"""

from datetime import timedelta

import pytest
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.utils import timezone
from rest_framework.test import APIClient

from groups.models import StaffProfile
from tests.factories import GroupFactory, WardFactory, staff_user
from tests.fakes.sms_gateway import FakeSmsGateway


def _flush_by_delete(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    """A test that commits (transaction=True, a real worker) is cleaned up after by emptying every table. Django
    does that with one TRUNCATE of all of them, which costs PostgreSQL a new file for each table, most of them
    empty: a quarter of a second a test here, where DELETE of the few rows there are took under half that. The
    foreign keys Django makes are deferred, so the order does not matter within flush's transaction. A flush that
    must also reset the sequences keeps TRUNCATE."""
    if reset_sequences or not tables:
        return _truncate_flush(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    return ["SET CONSTRAINTS ALL DEFERRED;", *(f"DELETE FROM {self.quote_name(table)};" for table in tables)]


_truncate_flush = PostgresOperations.sql_flush
PostgresOperations.sql_flush = _flush_by_delete


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in Redis under `make test`, the holiday calendar in a process memo; each test
    # starts with none (a rolled-back test leaves no signal that its holidays are gone).
    from django.core.cache import cache

    from feedback.workcalendar import holidays_forget

    cache.clear()
    holidays_forget()


@pytest.fixture
def ward_a(db):
    return WardFactory(name="Phường An Bình", code="20001")


@pytest.fixture
def ward_b(db):
    return WardFactory(name="Phường Bến Gỗ", code="20002")


@pytest.fixture
def group_a1(ward_a):
    return GroupFactory(ward=ward_a, name="Tổ dân phố 1", households_total=10)


@pytest.fixture
def group_a2(ward_a):
    return GroupFactory(ward=ward_a, name="Tổ dân phố 2", households_total=4)


@pytest.fixture
def group_b1(ward_b):
    return GroupFactory(ward=ward_b, name="Tổ dân phố 1", households_total=8)


@pytest.fixture
def alice(ward_a):
    return staff_user("alice@an-binh.vn", ward=ward_a, role=StaffProfile.Role.WARD_ADMIN)


@pytest.fixture
def bob(ward_a):
    return staff_user("bob@an-binh.vn", ward=ward_a, role=StaffProfile.Role.WARD_STAFF)


@pytest.fixture
def carol(ward_a, group_a1):
    return staff_user("carol@an-binh.vn", ward=ward_a, role=StaffProfile.Role.GROUP_LEADER, groups=[group_a1])


@pytest.fixture
def dave(ward_b):
    return staff_user("dave@ben-go.vn", ward=ward_b, role=StaffProfile.Role.WARD_ADMIN)


@pytest.fixture
def client_for(client):
    """A browser signed in as the given person."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def api_for():
    """An API client authenticated by the person's token, as an integration would be."""
    from portal.common.tokens import token_create

    keys: dict[int, str] = {}

    def authenticate(user):
        api = APIClient()
        if user.pk not in keys:
            keys[user.pk] = token_create(user=user, name="tests")[1]
        api.credentials(HTTP_AUTHORIZATION=f"Token {keys[user.pk]}")
        return api

    return authenticate


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker, consuming from the broker the settings name (Redis under `make test`)."""
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=15, loglevel="WARNING"):
        yield app


@pytest.fixture
def sms_gateway(settings):
    """The fake eSMS gateway on 127.0.0.1, with the portal's SMS settings pointing at it."""
    with FakeSmsGateway() as gateway:
        settings.SMS_GATEWAY_URL = gateway.url
        settings.SMS_API_KEY = gateway.api_key
        settings.SMS_SECRET_KEY = gateway.secret_key
        settings.SMS_BRANDNAME = gateway.brandname
        settings.SMS_CALLBACK_SECRET = "callback-secret"
        settings.SMS_BULK_MIN = 3
        settings.QUIET_HOURS_SMS = "00:00-00:00"
        yield gateway


@pytest.fixture
def fund(ward_a, group_a1, group_a2, alice):
    """A fund for the poor of 14.000.000 đ, running since three days, split 10:4 by declared households."""
    from campaigns import services

    today = timezone.localdate()
    data = services.CampaignData(
        name="Quỹ Vì người nghèo 2026",
        kind="fund",
        unit="vnd",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=30),
        target=14_000_000,
    )
    return services.campaign_create(ward=ward_a, data=data, by=alice)


def pytest_collection_modifyitems(items):
    """A test that starts a Celery worker or drives the browser carries the marker saying so, whoever wrote it:
    `make test-fast` leaves those out, and a new test cannot slip into it by forgetting the marker."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if "celery_worker" in fixtures:
            item.add_marker(pytest.mark.worker)
        if fixtures & {"browser", "phone_page"}:
            item.add_marker(pytest.mark.e2e)
