"""Which channel a message to a person goes on, and to which address: the fan-out's SQL and the personal message's
Python choice come from one table (channels.routing), and say what a ward officer is told in words."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from announcements.models import Announcement
from channels.personal import personal_channel
from channels.routing import address_sql, kind_for, kind_sql
from tests.factories import member_in

pytestmark = pytest.mark.django_db

PREFERENCE = {"zalo": "zalo_oa", "sms": "sms", "email": "email"}


def _expected(person: dict, chosen: set[str]) -> tuple[str, str]:
    """The rule as the ward is told it: the channel the person prefers, if they agreed to it and the notice uses
    it; else Zalo, then SMS, then email, among those they agreed to; Zalo to someone who never wrote to the
    Official Account goes to their phone (ZNS); email only to someone with an address."""
    agreed = {
        "zalo_oa": person["consent_zalo"],
        "sms": person["consent_sms"],
        "email": person["consent_email"] and person["email"] != "",
    }
    usable = [kind for kind in ("zalo_oa", "sms", "email") if kind in chosen and agreed[kind]]
    preferred = PREFERENCE.get(person["preferred_channel"])
    kind = preferred if preferred in usable else (usable[0] if usable else "")
    address = {
        "zalo_oa": person["zalo_user_id"] or person["phone"],
        "sms": person["phone"],
        "email": person["email"],
        "": "",
    }[kind]
    return kind, address


people = st.fixed_dictionaries(
    {
        "consent_zalo": st.booleans(),
        "consent_sms": st.booleans(),
        "consent_email": st.booleans(),
        "preferred_channel": st.sampled_from(["", "zalo", "sms", "email"]),
        "zalo_user_id": st.sampled_from(["", "8431200017"]),
        "email": st.sampled_from(["", "ba.lan@example.vn"]),
    }
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(person=people, chosen=st.sets(st.sampled_from(["zalo_oa", "sms", "email"])))
def test_the_fan_out_picks_each_persons_channel_and_address_as_the_ward_is_told(group_a1, person, chosen):
    member = member_in(group_a1, phone="+84912000111", **person)

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kind, {address_sql('kind', 'q')} FROM (SELECT m.*, {kind_sql('m', chosen)} AS kind "
            "FROM groups_member m WHERE m.id = %s) q",
            [member.pk],
        )
        found = cursor.fetchone()

    assert found == _expected({**person, "phone": "+84912000111"}, chosen)
    member.delete()


def test_the_audience_counts_by_the_same_rule(alice, group_a1):
    member_in(group_a1, consent_zalo=True, consent_sms=True, preferred_channel="sms")
    member_in(group_a1, consent_zalo=True, consent_sms=True, preferred_channel="")
    # Agreed to email alone but gave no address: nothing reaches them.
    member_in(group_a1, consent_sms=False, consent_email=True, email="", preferred_channel="")
    announcement = Announcement.objects.create(
        ward=group_a1.ward, created_by=alice, title="Họp tổ", body="Tối nay 19h", channels=["zalo_oa", "sms", "email"]
    )
    announcement.groups.set([group_a1])

    from announcements.audience import audience_estimate

    assert audience_estimate(announcement).by_channel == {"sms": 1, "zalo_oa": 1}
    assert kind_for("zalo") == "zalo_oa" and kind_for("fax") == ""


def test_a_personal_message_goes_by_zalo_only_to_someone_who_wrote_from_zalo_else_by_sms(settings):
    for name in ("ZALO_APP_ID", "ZALO_OA_ACCESS_TOKEN", "SMS_API_KEY", "SMS_SECRET_KEY", "SMS_BRANDNAME"):
        setattr(settings, name, "set")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

    assert personal_channel(zalo_user_id="8431200017", phone="+84912000111") == "zalo_oa"
    assert personal_channel(phone="+84912000111") == "sms"  # no ZNS fallback for one person's message
    assert personal_channel(email="ba.lan@example.vn") == "email"
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # prints, sends nothing
    assert personal_channel(email="ba.lan@example.vn") is None
    assert personal_channel() is None
