"""An officer makes, names, uses and revokes their own API tokens on a page: the key is shown once and kept only
hashed, every step is in the audit log, and a revoked or another person's token opens nothing."""

import re

import pytest

from portal.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db


def _made_key(page: str) -> str:
    return re.search(r"data-key>([^<]+)<", page).group(1)


def test_an_officer_makes_a_token_uses_it_sees_its_last_use_and_revokes_it(client_for, alice, client):
    officer = client_for(alice)
    page = officer.post("/account/tokens/", {"name": "Bảng tính tổ 3"}).content.decode()
    key = _made_key(page)
    assert "chỉ hiện một lần" in page

    token = ApiToken.objects.get(user=alice)
    assert key not in token.digest and token.prefix == key[:10]  # only the hash is kept
    assert key not in officer.get("/account/tokens/").content.decode()  # never shown again
    assert "chưa dùng lần nào" in officer.get("/account/tokens/").content.decode()

    used = client.get("/api/groups/", HTTP_AUTHORIZATION=f"Token {key}")
    assert used.status_code == 200
    listed = officer.get("/account/tokens/").content.decode()
    assert "dùng lần cuối" in listed and "Bảng tính tổ 3" in listed

    confirm = officer.get(f"/account/tokens/{token.pk}/revoke/").content.decode()
    assert "Không thể hoàn tác" in confirm
    officer.post(f"/account/tokens/{token.pk}/revoke/")
    assert client.get("/api/groups/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert set(AuditEvent.objects.filter(object_type="portal.apitoken").values_list("action", flat=True)) == {
        "create",
        "delete",
    }


def test_a_token_cannot_be_revoked_or_seen_by_another_officer_and_a_guessed_key_opens_nothing(
    client_for, alice, bob, client
):
    key = _made_key(client_for(alice).post("/account/tokens/", {"name": "Ứng dụng"}).content.decode())
    token = ApiToken.objects.get(user=alice)
    other = client_for(bob)
    assert other.get(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert other.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert "Ứng dụng" not in other.get("/account/tokens/").content.decode()
    assert client.get("/api/groups/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert client.get("/api/groups/", HTTP_AUTHORIZATION=f"Token {key[:-1]}x").status_code == 401
    assert client.get("/api/groups/", HTTP_AUTHORIZATION=f"Token {token.digest}").status_code == 401


def test_a_token_without_a_name_is_refused_in_words(client_for, alice):
    page = client_for(alice).post("/account/tokens/", {"name": "   "}).content.decode()
    assert "Xin đặt tên khóa" in page or "bắt buộc" in page
    assert not ApiToken.objects.exists()
