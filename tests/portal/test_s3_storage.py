"""Uploads on an S3-compatible store (PORTAL_S3_BUCKET), as several web and worker machines share them: tested
against moto's S3 server on 127.0.0.1, spoken to over HTTP by django-storages. The checking views still decide
who sees a file: they read it from the store and answer it themselves; nothing hands out the object's address."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from feedback import services
from feedback.models import ReportPhoto
from tests.feedback.conftest import TIP
from tests.feedback.test_media import _selfie

pytestmark = pytest.mark.django_db

BUCKET = "ketnoi-uploads"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("moto's S3 server did not start")
            time.sleep(0.05)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def s3(s3_server, settings):
    client = boto3.client(
        "s3", endpoint_url=s3_server, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_a_report_photo_lands_in_the_bucket_and_only_the_checking_view_gives_it_out(
    s3, ward_a, bob, dave, client_for, client
):
    report, _created = services.report_submit(ward=ward_a, data=services.ReportData(**TIP), photos=[_selfie()])
    photo = ReportPhoto.objects.get(report=report)

    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert photo.image.name in keys  # in the store, not on this machine's disk
    stored = s3.get_object(Bucket=BUCKET, Key=photo.image.name)["Body"].read()
    seen = client_for(bob).get(f"/reports/{report.pk}/photos/{photo.pk}/")
    assert seen.status_code == 200 and b"".join(seen.streaming_content) == stored
    assert "no-store" in seen["Cache-Control"]
    assert client_for(dave).get(f"/reports/{report.pk}/photos/{photo.pk}/").status_code == 404  # another ward
    client.logout()
    assert client.get(f"/reports/{report.pk}/photos/{photo.pk}/").status_code == 302
    # The object itself is private: the store refuses it to anyone without the portal's keys.
    acl = s3.get_object_acl(Bucket=BUCKET, Key=photo.image.name)
    assert not [g for g in acl["Grants"] if g["Grantee"].get("URI", "").endswith("AllUsers")]
