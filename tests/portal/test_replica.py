"""The read replica (DATABASE_REPLICA_URL): the province's page and report read from it when there is one; every
other read, every write and every read inside a transaction stay on the primary."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from groups.models import Ward
from portal.common import replica
from portal.province.figures import province_figures
from portal.province.report import build


def test_marked_reads_go_to_the_replica_when_there_is_one_and_never_inside_a_transaction(transactional_db, settings):
    router = replica.ReplicaRouter()
    with replica.replica_reads():
        assert router.db_for_read(Ward) is None  # no replica configured: the primary
    settings.DATABASES = {**settings.DATABASES, "replica": {**settings.DATABASES["default"]}}
    assert router.db_for_read(Ward) is None  # not marked: the primary
    with replica.replica_reads():
        assert router.db_for_read(Ward) == "replica"
        with transaction.atomic():
            assert router.db_for_read(Ward) is None  # a transaction reads what it wrote
    assert router.db_for_write(Ward) is None and router.allow_migrate("replica", "groups") is False


def test_the_provinces_page_and_report_mark_every_read_for_the_replica(monkeypatch, ward_a):
    seen = []

    def spy(self, model, **hints):
        seen.append((model.__name__, replica._reading.get()))

    monkeypatch.setattr(replica.ReplicaRouter, "db_for_read", spy)
    province_figures(province=ward_a.province)
    today = timezone.localdate()
    build(province=ward_a.province, start=today - timedelta(days=30), end=today)
    assert seen and all(marked for _model, marked in seen), seen
