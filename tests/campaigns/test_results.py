"""A campaign's results told back: one click drafts the announcement with the figures and a chart (PNG) made on
the server, on the channels the campaign was announced on; it then waits for the ward's normal approval."""

import io

import pytest
from PIL import Image

from announcements import services as announcements
from announcements.models import Announcement
from tests.announcements.conftest import announcement_data
from tests.campaigns.conftest import give
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_one_click_drafts_the_results_with_a_chart_on_the_campaigns_channels(client_for, fund, group_a1, alice, bob):
    launch = announcements.announcement_save(
        user=bob,
        data=announcement_data(title="Phát động Quỹ Vì người nghèo", channels=["zalo_oa", "web_feed"], whole_ward=True),
    )
    fund.announcements.add(launch)
    give(fund, HouseholdFactory(group=group_a1), 7_000_000, "r1", alice)
    client = client_for(bob)

    preview = client.get(f"/campaigns/{fund.pk}/results/").content.decode()
    assert "50\xa0%" in preview and "Chưa gửi" in preview  # says nothing is sent yet
    answer = client.post(f"/campaigns/{fund.pk}/results/")

    draft = Announcement.objects.exclude(pk=launch.pk).get()
    assert answer["Location"] == f"/announcements/{draft.pk}/edit/"
    assert draft.status == "draft" and draft.whole_ward and draft.category == "campaign"
    assert sorted(draft.channels) == ["web_feed", "zalo_oa"]
    assert "7.000.000 đ" in draft.body and "50\xa0%" in draft.body and "Tổ dân phố 1" in draft.body
    assert set(fund.announcements.all()) == {launch, draft}
    chart = draft.files.get()
    picture = client.get(chart.url)
    assert picture["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(picture.streaming_content))).format == "PNG"

    submitted = announcements.announcement_submit(announcement=draft, by=bob)
    assert submitted.status == "pending"  # the ward's approval, as for any announcement


def test_a_leader_cannot_announce_the_results_and_the_chart_is_a_picture(client_for, fund, carol, client):
    assert client_for(carol).post(f"/campaigns/{fund.pk}/results/").status_code == 403
    assert not Announcement.objects.exists()
    chart = client.get(f"/p/{fund.ward.code}/campaigns/{fund.pk}/chart.png")  # the public one, no login
    image = Image.open(io.BytesIO(chart.content))
    assert chart["Content-Type"] == "image/png" and image.format == "PNG" and image.width == 1080
    assert len(chart.content) < 60_000  # light enough for the public page on a phone
