"""Money recorded is never silently lost to a key: the keys the portal makes for itself (a sheet's rows, a
correction made without one) can be neither guessed nor sent by a client, and a client's key is its author's."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from campaigns import services
from campaigns.models import Entry, EntryImport, Total
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def _sheet(rows) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(["Địa chỉ/hộ", "Chủ hộ", "Số tiền", "Số biên lai"])
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("to-1.xlsx", data.getvalue())


def test_a_leader_cannot_take_the_keys_of_a_sheet_staff_are_about_to_record(
    api_for, client_for, fund, group_a1, carol, bob
):
    first, second, third = (HouseholdFactory(group=group_a1, address=f"{n} Lê Lợi") for n in (1, 2, 3))
    staff = client_for(bob)
    staff.post(f"/campaigns/{fund.pk}/import/", {"group": group_a1.pk, "file": _sheet([["1 Lê Lợi", "", 600_000]])})
    staff.post(f"/campaigns/{fund.pk}/import/", {"group": group_a1.pk, "file": _sheet([["2 Lê Lợi", "", 600_000]])})
    entry_import = EntryImport.objects.latest("pk")
    # The attack as found: the leader posts the keys the old portal gave the next import's rows, sheet-<id>-<row>.
    api = api_for(carol)
    for row in (2, 3):
        answer = api.post(
            f"/api/campaigns/{fund.pk}/entries/",
            {"household": third.pk, "amount": 1000, "key": f"sheet-{entry_import.pk}-{row}"},
            format="json",
        )
        assert answer.status_code == 201
    with pytest.raises(ValidationError):  # whatever the client sends, never a key of the portal's
        services.entry_record(
            campaign=fund,
            data=services.EntryData(household_id=third.pk, amount=1000, key="~" + "a" * 32),
            by=carol,
        )

    answer = staff.post(f"/campaigns/{fund.pk}/import/{entry_import.pk}/", follow=True)
    assert "Đã ghi nhận 1 mục" in answer.content.decode()
    assert Entry.objects.filter(household=second, amount=600_000).count() == 1
    assert Total.objects.get(campaign=fund, group=group_a1).amount == 600_000 + 2 * 1000
    assert Entry.objects.filter(household=first).count() == 0  # the other import was never committed


def test_a_guessed_reverse_key_does_not_stop_staff_correcting_an_entry(api_for, fund, group_a1, carol, bob):
    household = HouseholdFactory(group=group_a1)
    entry, _ = services.entry_record(
        campaign=fund, data=services.EntryData(household_id=household.pk, amount=500_000, key="k-1"), by=carol
    )
    api_for(carol).post(
        f"/api/campaigns/{fund.pk}/entries/",
        {"household": household.pk, "amount": 1000, "key": f"reverse-{entry.pk}"},
        format="json",
    )

    answer = api_for(bob).post(
        f"/api/campaigns/{fund.pk}/entries/{entry.pk}/reverse/", {"reason": "Ghi nhầm"}, format="json"
    )

    assert answer.status_code == 201 and answer.json()["amount"] == -500_000
    assert Entry.objects.get(reverses=entry).recorded_by == bob


def test_a_clients_key_is_its_authors_own(api_for, fund, group_a1, carol, bob):
    household = HouseholdFactory(group=group_a1)
    body = {"household": household.pk, "amount": 200_000, "key": "phone-1"}
    mine = api_for(carol).post(f"/api/campaigns/{fund.pk}/entries/", body, format="json")
    theirs = api_for(bob).post(f"/api/campaigns/{fund.pk}/entries/", body, format="json")
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    odd = api_for(carol).post(f"/api/campaigns/{fund.pk}/entries/", {**body, "key": "~x"}, format="json")
    assert odd.status_code == 400 and "key" in odd.json()


def test_an_import_that_can_no_longer_record_a_row_records_nothing_and_says_which(client_for, fund, group_a1, carol):
    HouseholdFactory(group=group_a1, address="1 Lê Lợi")
    other = HouseholdFactory(group=group_a1, address="2 Lê Lợi")
    client = client_for(carol)
    client.post(
        f"/campaigns/{fund.pk}/import/",
        {"group": group_a1.pk, "file": _sheet([["1 Lê Lợi", "", 100_000, "BL-1"], ["2 Lê Lợi", "", 50_000, "BL-2"]])},
    )
    entry_import = EntryImport.objects.get()
    # Between the preview and the commit, receipt BL-2 is recorded by hand.
    services.entry_record(
        campaign=fund,
        data=services.EntryData(household_id=other.pk, amount=50_000, key="hand-1", receipt_number="BL-2"),
        by=carol,
    )

    page = client.post(f"/campaigns/{fund.pk}/import/{entry_import.pk}/", follow=True).content.decode()

    assert "Không có gì được ghi" in page and "dòng 3" in page and "BL-2" in page
    entry_import.refresh_from_db()
    assert entry_import.committed_at is None
    assert [row["row"] for row in entry_import.bad_rows] == [3]
    assert Entry.objects.filter(campaign=fund).count() == 1  # only the one by hand
    # Looked at again, the rest is recorded.
    client.post(f"/campaigns/{fund.pk}/import/{entry_import.pk}/")
    assert sorted(Entry.objects.values_list("receipt_number", flat=True)) == ["BL-1", "BL-2"]
