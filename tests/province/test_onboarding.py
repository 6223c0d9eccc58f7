"""A new ward from one sheet: a province admin uploads its groups, leaders and staff, sees every row checked, and
creates the ward in one step; nothing is created while a row is wrong."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook

from announcements.models import PersonalMessage
from groups.models import Membership, ResidentialGroup, StaffProfile, Ward, WardOnboarding
from groups.services import onboarding
from portal.common.sheets import xml_text
from tests.factories import ProvinceFactory, province_user

pytestmark = pytest.mark.django_db

HEADERS = ["Tổ dân phố", "Số hộ", "Họ và tên", "Số điện thoại", "Email", "Vai trò"]


def _sheet(rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["Khai báo Phường Tân Lập"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("tan-lap.xlsx", out.getvalue())


def _thirty_groups() -> list[list]:
    rows = [[f"Tổ dân phố {n}", 40 + n, "", "", "", ""] for n in range(1, 31)]
    for n in range(1, 31):
        email = f"to{n}@tan-lap.vn" if n <= 3 else ""
        rows.append([f"Tổ dân phố {n}", "", f"Nguyễn Văn Tổ {n}", f"0912{n:06d}", email, "Tổ trưởng"])
        rows.append([f"Tổ dân phố {n}", "", f"Trần Thị Ban {n}", f"0913{n:06d}", "", "Trưởng Ban CTMT"])
    # The ward's police officer sits in two groups: one person, two memberships.
    rows.append(["Tổ dân phố 1", "", "Đinh Công An", "0914000001", "", "CSKV"])
    rows.append(["Tổ dân phố 2", "", "Đinh Công An", "0914000001", "", "CSKV"])
    rows.append(["", "", "Lê Thị Quản", "", "quan@tan-lap.vn", "Quản trị phường"])
    rows.append(["", "", "Phạm Văn Bộ", "", "bo@tan-lap.vn", "Cán bộ phường"])
    return rows


@pytest.fixture
def admin(ward_a):
    return province_user("tinh@khanh-hoa.vn", province=ward_a.province)


def test_a_thirty_group_ward_is_onboarded_from_one_sheet(client_for, admin, ward_a):
    client = client_for(admin)
    template = client.get("/province/onboarding/template.xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")

    answer = client.post(
        "/province/onboarding/",
        {"ward_name": "Phường Tân Lập", "ward_code": "22333", "file": _sheet(_thirty_groups())},
    )
    item = WardOnboarding.objects.get()
    assert answer["Location"] == f"/province/onboarding/{item.pk}/"
    preview = client.get(f"/province/onboarding/{item.pk}/")
    assert preview.context["errors"] == [] and len(preview.context["groups"]) == 30
    assert not Ward.objects.filter(code="22333").exists()  # checked, not created
    assert "Có, tạo phường" in client.get(f"/province/onboarding/{item.pk}/?confirm=1").content.decode()
    client.post(f"/province/onboarding/{item.pk}/")

    ward = Ward.objects.get(code="22333")
    assert ward.province == ward_a.province and ward.households_total == sum(40 + n for n in range(1, 31))
    assert ResidentialGroup.objects.filter(ward=ward).count() == 30
    memberships = Membership.objects.filter(group__ward=ward, status="active")
    assert memberships.filter(role="group_head").count() == 30 and memberships.filter(role="front_head").count() == 30
    assert memberships.filter(role="police").count() == 2 and ward.members.filter(full_name="Đinh Công An").count() == 1
    roles = sorted(StaffProfile.objects.filter(ward=ward).values_list("role", flat=True))
    assert roles == ["group_leader"] * 3 + ["ward_admin", "ward_staff"]
    leader = StaffProfile.objects.get(user__email="to2@tan-lap.vn")
    assert [g.name for g in leader.groups.all()] == ["Tổ dân phố 2"]
    # Five invitations, each queued as a personal email through the delivery pipeline.
    assert PersonalMessage.objects.filter(topic__startswith="staff:", ward=ward).count() == 5
    # The province's page has the new ward, with its coverage kept from the start.
    line = next(w for w in client.get("/province/").context["wards"] if w.code == "22333")
    assert line.declared == ward.households_total
    assert WardOnboarding.objects.get().status == "done"
    again = client.post(f"/province/onboarding/{item.pk}/", follow=True)  # a second tap makes nothing twice
    assert Ward.objects.filter(code="22333").count() == 1 and again.status_code == 200


def test_every_wrong_row_is_named_and_nothing_is_created(client_for, admin, django_user_model):
    django_user_model.objects.create_user("da-co@tan-lap.vn", "da-co@tan-lap.vn", "x")
    rows = [
        ["Tổ 1", 30, "", "", "", ""],
        ["Tổ 1", 31, "", "", "", ""],  # row 4 of the sheet: twice
        ["Tổ 2", "nhiều", "", "", "", ""],  # row 5: not a number
        ["Tổ 9", "", "Người Lạ", "0912000001", "", "Tổ trưởng"],  # row 6: no such group
        ["Tổ 1", "", "Số Sai", "12345", "", "Tổ trưởng"],  # row 7: bad phone
        ["Tổ 1", "", "Ai Đó", "0912000002", "", "Thủ quỹ"],  # row 8: unknown role
        ["", "", "Đã Có", "", "da-co@tan-lap.vn", "Cán bộ phường"],  # row 9: an account already exists
    ]
    client = client_for(admin)
    client.post("/province/onboarding/", {"ward_name": "Phường Tân Lập", "ward_code": "22333", "file": _sheet(rows)})
    item = WardOnboarding.objects.get()
    lines = sorted(e["line"] for e in item.rows["errors"])
    assert lines == [4, 5, 6, 7, 8, 9]  # as Excel numbers the rows (a title, then the header)
    page = client.get(f"/province/onboarding/{item.pk}/").content.decode()
    assert "Dòng 6" in page and "Tổ 9" in page
    client.post(f"/province/onboarding/{item.pk}/")
    assert not Ward.objects.filter(code="22333").exists() and WardOnboarding.objects.get().status == "preview"


def test_a_taken_code_or_a_bad_file_is_refused_before_any_row_is_kept(client_for, admin, ward_a):
    client = client_for(admin)
    taken = client.post(
        "/province/onboarding/", {"ward_name": "Trùng", "ward_code": ward_a.code, "file": _sheet([["Tổ 1", 3]])}
    )
    assert "ward_code" in taken.context["form"].errors
    not_a_sheet = client.post(
        "/province/onboarding/",
        {"ward_name": "Mới", "ward_code": "22334", "file": SimpleUploadedFile("x.xlsx", b"not a zip")},
    )
    assert "file" in not_a_sheet.context["form"].errors and not WardOnboarding.objects.exists()


def test_nobody_but_the_provinces_admin_sees_or_commits_its_sheet(client_for, admin, ward_a, alice):
    client_for(admin).post(
        "/province/onboarding/", {"ward_name": "Phường Tân Lập", "ward_code": "22333", "file": _sheet(_thirty_groups())}
    )
    item = WardOnboarding.objects.get()
    viewer, other, ward_admin = Client(), Client(), Client()
    viewer.force_login(province_user("xem@khanh-hoa.vn", province=ward_a.province, role="viewer"))
    other.force_login(province_user("tinh@ha-noi.vn", province=ProvinceFactory(name="Hà Nội", code="01")))
    ward_admin.force_login(alice)
    assert viewer.post(f"/province/onboarding/{item.pk}/").status_code == 403
    assert other.post(f"/province/onboarding/{item.pk}/").status_code == 404
    assert other.get(f"/province/onboarding/{item.pk}/").status_code == 404
    assert ward_admin.post(f"/province/onboarding/{item.pk}/").status_code == 403
    assert not Ward.objects.filter(code="22333").exists()


def test_an_uncommitted_sheet_loses_its_names_after_a_day(admin):
    from datetime import timedelta

    from django.utils import timezone

    item = onboarding.onboarding_preview(
        by=admin, ward_name="Phường Tân Lập", ward_code="22333", name="x.xlsx", content=_sheet(_thirty_groups()).read()
    )
    assert onboarding.onboardings_expire(now=timezone.now() + timedelta(hours=25)) == 1
    item.refresh_from_db()
    assert item.status == "expired" and item.rows == {}


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(
        st.lists(st.one_of(st.text(max_size=30), st.integers(-5, 10**6), st.none()), min_size=0, max_size=8),
        max_size=12,
    )
)
def test_any_sheet_is_read_into_checked_rows_or_refused_in_words(cells, db):
    """Whatever a sheet holds under the header, reading it gives rows and errors, or a refusal a person reads."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in cells:
        # What a spreadsheet can hold: Excel's XML carries no control characters.
        sheet.append(["" if v is None else (xml_text(v) if isinstance(v, str) else v) for v in row])
    out = io.BytesIO()
    book.save(out)
    try:
        result = onboarding.onboarding_read(name="x.xlsx", content=out.getvalue())
    except ValidationError:
        return
    assert set(result) == {"groups", "people", "errors"}
    assert all(isinstance(e["text"], str) and e["text"] for e in result["errors"])


def test_the_api_checks_a_sheet_and_creates_the_ward(client, admin):
    from portal.common.tokens import token_create

    auth = {"HTTP_AUTHORIZATION": f"Token {token_create(user=admin, name='tỉnh')[1]}"}
    checked = client.post(
        "/api/province/onboarding/",
        {"ward_name": "Phường Tân Lập", "ward_code": "22333", "file": _sheet(_thirty_groups())},
        **auth,
    ).json()
    assert (checked["groups"], checked["errors"], checked["status"]) == (30, [], "preview")
    made = client.post(f"/api/province/onboarding/{checked['id']}/commit/", **auth).json()
    assert made["ward_created"] == "22333" and Ward.objects.get(code="22333").groups.count() == 30
    bad = client.post("/api/province/onboarding/", {"ward_name": "", "ward_code": "x", "file": _sheet([])}, **auth)
    assert bad.status_code == 400 and "ward_name" in bad.json()
