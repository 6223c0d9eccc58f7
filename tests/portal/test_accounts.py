import re

import pytest
from django.core import mail
from django.urls import reverse

from groups.models import StaffProfile
from tests.factories import PASSWORD
from tests.waiting import wait_until


def test_staff_log_in_with_email_and_password(client, alice):
    response = client.post(reverse("account_login"), {"login": "alice@an-binh.vn", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].endswith(reverse("today"))
    assert "Phường An Bình" in response.content.decode()


def test_a_wrong_password_is_refused(client, alice):
    response = client.post(reverse("account_login"), {"login": "alice@an-binh.vn", "password": "wrong"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_that_sets_a_new_password(client, alice):
    client.post(reverse("account_reset_password"), {"email": "alice@an-binh.vn"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)
    _set_password_through(client, link, "Mot-mat-khau-moi-2026")
    assert client.login(username="alice@an-binh.vn", password="Mot-mat-khau-moi-2026")


def _set_password_through(client, link, password):
    path = re.sub(r"^https?://[^/]+", "", link)
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    done = client.post(form_url, {"password1": password, "password2": password}, follow=True)
    assert done.status_code == 200


@pytest.mark.worker
def test_an_invited_staff_member_gets_an_email_through_celery_and_chooses_a_password(
    client, celery_worker, alice, group_a1
):
    client.force_login(alice)
    response = client.post(
        reverse("groups:staff"),
        {"full_name": "Đoàn Thị Em", "email": "em@an-binh.vn", "role": "group_leader", "groups": [group_a1.pk]},
    )
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user__email="em@an-binh.vn")
    assert list(profile.groups.all()) == [group_a1] and not profile.user.has_usable_password()

    wait_until(lambda: mail.outbox, what="the worker to send the invitation")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["em@an-binh.vn"] and "Phường An Bình" in message.subject
    link = re.search(r"https?://\S+", message.body).group(0)
    client.logout()
    _set_password_through(client, link, "Em-chon-mat-khau-2026")
    assert client.login(username="em@an-binh.vn", password="Em-chon-mat-khau-2026")


def test_inviting_an_email_that_already_has_an_account_is_refused(client_for, alice, bob):
    response = client_for(alice).post(
        reverse("groups:staff"), {"full_name": "B", "email": "bob@an-binh.vn", "role": "ward_staff"}
    )
    assert "đã có tài khoản" in response.content.decode()
    assert StaffProfile.objects.filter(user__email="bob@an-binh.vn").count() == 1
