import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from groups.models import Household, Member, MemberImport, Membership
from groups.services import imports as member_files
from tests.factories import member_in
from tests.groups.spreadsheets import xlsx

HEADER = ["STT", "Họ và tên", "Số điện thoại", "Địa chỉ/hộ", "Tổ", "Vai trò"]


def upload(client, group, name, content):
    return client.post(reverse("groups:import", args=[group.pk]), {"file": SimpleUploadedFile(name, content)})


def test_preview_lists_every_rows_problem_and_imports_only_the_valid_rows(client_for, alice, group_a1, group_a2):
    member_in(group_a1, full_name="Đã Có Sẵn", phone="+84905000001")
    content = xlsx(
        [
            HEADER,
            [1, "Nguyễn Văn An", "0912 345 678", "12 Trần Phú", "Tổ 1", "Tổ trưởng"],
            [2, "Trần Thị Bình", 912345679, "12 Trần Phú", "", ""],  # Excel dropped the leading 0
            [3, "Lê Văn Sai", "0912 345 67", "14 Trần Phú", "", ""],
            [4, "Phạm Thị Lạ", "0912345680", "1 Lê Lợi", "Tổ 99", ""],
            [5, "Hồ Văn Trùng", "0912-345-678", "16 Trần Phú", "", ""],
            [6, "Đã Có Sẵn", "0905000001", "", "", ""],
            [7, "Vũ Thị Hai", "0905 111 222", "3 Lê Lợi", "Tổ dân phố 2", "Chi hội trưởng Hội Phụ nữ"],
        ],
        title="DANH SÁCH HỘ GIA ĐÌNH TỔ DÂN PHỐ 1",
    )
    client = client_for(alice)
    response = upload(client, group_a1, "danh-sach.xlsx", content)
    preview = MemberImport.objects.get()
    assert response.url == reverse("groups:import_preview", args=[preview.pk])
    assert Member.objects.count() == 1  # nothing is written by a preview

    page = client.get(response.url).content.decode()
    assert "3 dòng sẵn sàng" in page and "4 dòng có lỗi" in page
    by_line = {row["line"]: row for row in preview.rows}
    assert by_line[5]["errors"] and "không phải số điện thoại Việt Nam hợp lệ" in by_line[5]["errors"][0]
    assert "Tổ 99" in by_line[6]["errors"][0]
    assert "dòng 3" in by_line[7]["errors"][0]
    assert "Đã Có Sẵn" in by_line[8]["errors"][0]
    for message in (by_line[5]["errors"][0], by_line[6]["errors"][0], by_line[7]["errors"][0]):
        assert message in page

    client.post(reverse("groups:import_preview", args=[preview.pk]))
    assert set(Member.objects.values_list("phone", flat=True)) == {
        "+84905000001",
        "+84912345678",
        "+84912345679",
        "+84905111222",
    }
    head = Membership.objects.get(member__phone="+84912345678")
    assert (head.group, head.role, head.source) == (group_a1, "group_head", "import")
    branch = Membership.objects.get(member__phone="+84905111222")
    assert (branch.group, branch.role, branch.organisation) == (group_a2, "branch_head", "Hội Phụ nữ")
    # Two people at 12 Trần Phú are one household.
    assert Household.objects.filter(group=group_a1, address="12 Trần Phú").count() == 1
    assert Member.objects.get(phone="+84912345679").household.address == "12 Trần Phú"
    preview.refresh_from_db()
    assert preview.status == "done" and preview.imported_count == 3


def test_importing_a_list_twice_is_refused(client_for, alice, group_a1):
    client = client_for(alice)
    upload(client, group_a1, "a.xlsx", xlsx([HEADER, [1, "Nguyễn Văn An", "0912345678", "", "", ""]]))
    preview = MemberImport.objects.get()
    client.post(reverse("groups:import_preview", args=[preview.pk]))
    response = client.post(reverse("groups:import_preview", args=[preview.pk]), follow=True)
    assert "đã được nhập" in response.content.decode()
    assert Member.objects.count() == 1


def test_a_member_added_between_preview_and_import_sends_the_person_back_to_the_preview(client_for, alice, group_a1):
    client = client_for(alice)
    upload(
        client,
        group_a1,
        "a.xlsx",
        xlsx([HEADER, [1, "A", "0912345678", "", "", ""], [2, "B", "0912345679", "", "", ""]]),
    )
    preview = MemberImport.objects.get()
    member_in(group_a1, full_name="Nhanh Tay", phone="+84912345679")
    response = client.post(reverse("groups:import_preview", args=[preview.pk]), follow=True)
    assert "đã thay đổi" in response.content.decode()
    assert "Nhanh Tay" in response.content.decode()
    assert not Member.objects.filter(phone="+84912345678").exists()


def test_an_import_that_fails_half_way_writes_nothing(client_for, alice, group_a1, monkeypatch):
    client = client_for(alice)
    upload(
        client,
        group_a1,
        "a.xlsx",
        xlsx([HEADER] + [[i, f"Người {i}", f"09123450{i:02d}", f"{i} Lê Lợi", "", ""] for i in range(20)]),
    )
    preview = MemberImport.objects.get()

    def disk_full(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(member_files, "audit_record", disk_full)
    with pytest.raises(OSError):
        member_files.member_import_commit(member_import=preview, by=alice)
    assert not Member.objects.exists() and not Household.objects.exists() and not Membership.objects.exists()
    preview.refresh_from_db()
    assert preview.status == "preview"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ds.xlsx", b"%PDF-1.4 not a spreadsheet", "không phải bảng tính"),
        ("ds.pdf", b"%PDF-1.4", "không phải bảng tính"),
        ("ds.xlsx", b"PK\x03\x04broken zip", "không phải bảng tính"),
        ("ds.xls", b"\xd0\xcf\x11\xe0", ".xlsx"),
        ("ds.csv", "Tên,Tuổi\nA,3\n".encode(), "Không tìm thấy dòng tiêu đề"),
    ],
)
def test_a_file_that_is_not_a_member_list_gets_a_clear_message(client_for, alice, group_a1, name, content, message):
    response = upload(client_for(alice), group_a1, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MemberImport.objects.exists()


def test_a_file_far_too_large_is_refused_before_it_is_read(client_for, alice, group_a1, settings):
    settings.IMPORT_MAX_BYTES = 50_000
    response = upload(client_for(alice), group_a1, "big.csv", b"Ho ten,So dien thoai\n" + b"A,0912345678\n" * 10_000)
    assert "Tệp quá lớn" in response.content.decode()
    assert not MemberImport.objects.exists()


def test_a_csv_with_semicolons_and_a_bom_imports(client_for, alice, group_a1):
    content = "\ufeffHọ tên;SĐT;Địa chỉ\nNguyễn Thị Cúc;0912 345 678;7 Lê Lợi\n".encode()
    client = client_for(alice)
    upload(client, group_a1, "ds.csv", content)
    preview = MemberImport.objects.get()
    assert preview.rows[0]["action"] == "create"
    client.post(reverse("groups:import_preview", args=[preview.pk]))
    assert Member.objects.get().full_name == "Nguyễn Thị Cúc"


def test_a_group_leader_cannot_import_into_a_group_they_do_not_lead(client_for, carol, group_a1, group_a2):
    client = client_for(carol)
    upload(client, group_a1, "a.xlsx", xlsx([HEADER, [1, "A", "0912345678", "", "Tổ dân phố 2", ""]]))
    preview = MemberImport.objects.get()
    assert "Tổ dân phố 2" in preview.rows[0]["errors"][0]
    assert upload(client, group_a2, "a.xlsx", xlsx([HEADER])).status_code == 404


def test_export_escapes_formulas_and_reads_back_as_the_same_list(client_for, alice, group_a1):
    member_in(group_a1, full_name='=HYPERLINK("http://evil","bấm")', phone="+84912345678")
    member_in(group_a1, full_name="Nguyễn Văn Bình", phone="+84912345679")
    client = client_for(alice)
    response = client.get(reverse("groups:export", args=[group_a1.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == member_files.EXPORT_HEADERS
    names = {row[0] for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil","bấm")' in names and "Nguyễn Văn Bình" in names
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    # The export is itself a valid import file: the same columns read back.
    parsed = member_files.parse_member_rows(name="x.xlsx", content=response.content)
    assert {r["phone"] for r in parsed} == {"0912345678", "0912345679"}


def test_stale_previews_lose_their_rows_after_a_day(alice, group_a1):
    from datetime import timedelta

    from django.utils import timezone

    old = MemberImport.objects.create(
        ward=group_a1.ward, group=group_a1, file_name="x", rows=[{"phone": "0912"}], created_by=alice
    )
    MemberImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    fresh = MemberImport.objects.create(
        ward=group_a1.ward, group=group_a1, file_name="y", rows=[{"phone": "0913"}], created_by=alice
    )
    assert member_files.member_imports_expire() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.rows) == ("expired", [])
    assert fresh.status == "preview" and fresh.rows


def test_the_template_imports_as_it_is_once_the_example_row_is_filled_in(client_for, carol, group_a1):
    leader = client_for(carol)
    template = leader.get(reverse("groups:import_template", args=[group_a1.pk]))
    workbook = load_workbook(io.BytesIO(template.content))
    assert workbook.sheetnames == ["Danh sách", "Giá trị hợp lệ"]
    roles = [row[0] for row in workbook["Giá trị hợp lệ"].iter_rows(min_row=2, values_only=True)]
    assert "Tổ trưởng" in roles and "Cư dân" in roles
    sheet = workbook["Danh sách"]
    sheet["A2"] = "Nguyễn Thị Lan"
    filled = io.BytesIO()
    workbook.save(filled)

    preview = upload(leader, group_a1, "mau.xlsx", filled.getvalue())
    leader.post(preview["Location"])

    assert Member.objects.get().full_name == "Nguyễn Thị Lan"


def test_an_unknown_role_lists_the_roles_the_import_understands(client_for, alice, group_a1):
    content = xlsx([HEADER, ["1", "Trần Văn Bình", "0912000444", "4 Lê Lợi", "", "Chủ tịch"]])

    page = client_for(alice).get(upload(client_for(alice), group_a1, "ds.xlsx", content)["Location"])

    text = page.content.decode()
    assert "Chủ tịch" in text and "Tổ trưởng" in text and "Cư dân" in text


def test_the_templates_example_row_is_never_imported_whatever_was_typed_around_it(client_for, carol, group_a1):
    leader = client_for(carol)
    template = leader.get(reverse("groups:import_template", args=[group_a1.pk]))
    workbook = load_workbook(io.BytesIO(template.content))
    sheet = workbook["Danh sách"]
    sheet["B2"] = "0987654321"  # the example's phone typed over with a real-looking one
    sheet["A2"] = "Bà " + sheet["A2"].value  # and something typed before its name
    sheet.append(["Trần Văn Bình", "0912000444", "4 Lê Lợi", group_a1.name, "Cư dân", "", ""])
    filled = io.BytesIO()
    workbook.save(filled)

    preview = upload(leader, group_a1, "mau.xlsx", filled.getvalue())
    page = leader.get(preview["Location"]).content.decode()
    assert "Dòng ví dụ của mẫu" in page
    leader.post(preview["Location"])

    assert list(Member.objects.values_list("full_name", flat=True)) == ["Trần Văn Bình"]
    assert not Household.objects.filter(address="12 Lê Lợi").exists()
