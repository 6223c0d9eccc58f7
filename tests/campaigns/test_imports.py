"""A group's contributions from a sheet: the template lists the group's households, every row is checked and
shown before anything is recorded, the list is recorded all at once and only once."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from campaigns.models import Entry, EntryImport, Total
from tests.factories import HouseholdFactory, member_in

pytestmark = pytest.mark.django_db


def _sheet(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH ĐÓNG GÓP QUỸ VÌ NGƯỜI NGHÈO"])  # a title above the header, as wards write them
    sheet.append(["Địa chỉ/hộ", "Chủ hộ", "Số tiền", "Số biên lai", "Hình thức", "Công khai tên"])
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("to-1.xlsx", data.getvalue())


def test_a_leader_records_a_whole_list_after_seeing_every_row(client_for, fund, group_a1, carol):
    five = HouseholdFactory(group=group_a1, address="5 Lê Lợi")
    seven = HouseholdFactory(group=group_a1, address="7 Lê Lợi")
    seven.head = member_in(group_a1, household=seven, full_name="Trần Thị Bình")
    seven.save()
    HouseholdFactory(group=group_a1, address="9 Lê Lợi")
    client = client_for(carol)

    template = client.get(f"/campaigns/{fund.pk}/import/template.xlsx?group={group_a1.pk}")
    listed = [
        row[0] for row in load_workbook(io.BytesIO(template.content)).active.iter_rows(min_row=2, values_only=True)
    ]
    assert listed == ["5 Lê Lợi", "7 Lê Lợi", "9 Lê Lợi"]

    upload = _sheet(
        [
            ["5 le loi", "", "200.000", "BL-1", "Tiền mặt", "có"],
            ["", "Trần Thị Bình", 150000, "BL-2", "chuyển khoản", ""],
            ["9 Lê Lợi", "", "", "", "", ""],  # gave nothing: left out quietly
            ["11 Lê Lợi", "Lê Văn Tư", "", "", "", ""],  # a template's household left empty: the same
            ["99 Lê Lợi", "", "100.000", "BL-3", "", ""],
            ["5 Lê Lợi", "", "2.000.000.000", "BL-4", "", ""],
            ["7 Lê Lợi", "", "50.000", "BL-1", "", ""],
            ["9 Lê Lợi", "", "năm trăm", "", "", ""],
        ]
    )
    answer = client.post(f"/campaigns/{fund.pk}/import/", {"group": group_a1.pk, "file": upload})
    entry_import = EntryImport.objects.get()
    assert answer["Location"] == f"/campaigns/{fund.pk}/import/{entry_import.pk}/"
    page = client.get(answer["Location"]).content.decode()
    assert "2 dòng sẽ được ghi nhận; 4 dòng có vấn đề" in page and "350.000 đ" in page
    assert "Không có hộ nào" in page and "1.000.000.000 đ" in page and "BL-1 đã được ghi" in page
    assert "“năm trăm” không phải số tiền" in page  # words are not a number the portal reads
    assert not Entry.objects.exists()  # nothing recorded before the leader says so

    client.post(answer["Location"])
    client.post(answer["Location"])  # a double tap records nothing twice
    assert sorted(Entry.objects.values_list("household__address", "amount", "method")) == [
        ("5 Lê Lợi", 200_000, "cash"),
        ("7 Lê Lợi", 150_000, "transfer"),
    ]
    assert Entry.objects.get(household=five).name_public is True
    assert Total.objects.get(campaign=fund, group=group_a1).amount == 350_000


def test_a_leader_imports_only_for_their_own_groups_and_a_non_sheet_is_refused_in_words(
    client_for, fund, group_a2, group_a1, carol
):
    client = client_for(carol)
    assert client.get(f"/campaigns/{fund.pk}/import/template.xlsx?group={group_a2.pk}").status_code == 403
    assert client.post(f"/campaigns/{fund.pk}/import/", {"group": group_a2.pk, "file": _sheet([])}).status_code == 403
    photo = SimpleUploadedFile("anh.xlsx", b"\xff\xd8\xff\xe0 not a sheet")
    answer = client.post(f"/campaigns/{fund.pk}/import/", {"group": group_a1.pk, "file": photo}, follow=True)
    assert "không phải bảng tính" in answer.content.decode() and not EntryImport.objects.exists()


def test_a_sheet_left_unrecorded_for_a_day_is_emptied_and_says_to_upload_it_again(client_for, fund, group_a1, carol):
    from datetime import timedelta

    from django.utils import timezone

    from portal.tasks import imports_expire

    HouseholdFactory(group=group_a1, address="5 Lê Lợi")
    client = client_for(carol)
    answer = client.post(
        f"/campaigns/{fund.pk}/import/", {"group": group_a1.pk, "file": _sheet([["5 Lê Lợi", "", "200.000"]])}
    )
    left = EntryImport.objects.get()
    EntryImport.objects.filter(pk=left.pk).update(created_at=timezone.now() - timedelta(hours=25))
    fresh = EntryImport.objects.get(
        pk=client.post(
            f"/campaigns/{fund.pk}/import/", {"group": group_a1.pk, "file": _sheet([["5 Lê Lợi", "", "100.000"]])}
        )["Location"]
        .rstrip("/")
        .rsplit("/", 1)[1]
    )

    assert imports_expire() == {"members": 0, "contributions": 1, "onboardings": 0}

    left.refresh_from_db()
    fresh.refresh_from_db()
    assert left.rows == [] and left.expired_at is not None and fresh.rows  # only the day-old one
    expired_page = client.get(answer["Location"]).content.decode()
    assert "Bản xem trước này đã hết hạn" in expired_page and "Các dòng sẽ ghi nhận" not in expired_page
    client.post(answer["Location"])
    assert not Entry.objects.exists()


def test_a_file_past_the_size_limit_is_refused_before_it_is_read(client_for, fund, group_a1, carol, settings):
    settings.IMPORT_MAX_BYTES = 1000
    big = SimpleUploadedFile("to-1.csv", b"Dia chi/ho,So tien\n" + b"5 Le Loi,200000\n" * 200)

    page = (
        client_for(carol)
        .post(f"/campaigns/{fund.pk}/import/", {"group": group_a1.pk, "file": big}, follow=True)
        .content.decode()
    )

    assert "quá lớn" in page and not EntryImport.objects.exists()
