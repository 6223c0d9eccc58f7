"""Every sheet a ward uploads, and every template it downloads: read as written or refused in words, never a 500,
and never read past its bounds whatever it declares."""

import csv
import io
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from campaigns.models import Entry, EntryImport
from campaigns.services import entry_import_commit, entry_import_preview, entry_import_template
from groups.member_sheets import import_template_xlsx, members_export_xlsx
from groups.models import Membership
from groups.services.imports import member_import_preview
from portal.common.numbers import parse_whole
from portal.common.sheets import read_table
from tests.factories import GroupFactory, HouseholdFactory, member_in

HEADER = ["Địa chỉ/hộ", "Chủ hộ", "Số tiền", "Số biên lai", "Hình thức", "Công khai tên"]


def _xlsx(rows, *, wide_column: int | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if wide_column:
        for line in range(2, len(rows) + 1):
            sheet.cell(row=line, column=wide_column, value="x")
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _wide_sheet(lines: int) -> bytes:
    """A header and one cell in column XFD (16,384) on every line: 15–31 KB on disk, 300 million cells if a
    reader expands what the sheet declares."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for line in range(2, lines + 2):
        sheet.cell(row=line, column=16384, value=1)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


@pytest.mark.parametrize(
    "written, amount",
    [
        ("200000", 200_000),
        ("200.000", 200_000),
        ("200,000", 200_000),
        ("200 000", 200_000),
        ("200.000 đ", 200_000),
        ("200.000đ", 200_000),
        ("1.250.000 đồng", 1_250_000),
        ("", None),
    ],
)
def test_dong_are_read_in_every_way_people_write_them(written, amount):
    assert parse_whole(written) == amount


@pytest.mark.parametrize(
    "written", ["1,500.75", "50000.5", "=1+1", "0.001", "²", "①", "１２", "1e3", "năm trăm", "1.50", "9" * 4400]
)
def test_anything_else_is_refused_rather_than_guessed(written):
    with pytest.raises(ValueError):
        parse_whole(written)


@pytest.mark.django_db
def test_a_sheets_amounts_are_recorded_exactly_as_the_preview_showed_them(fund, group_a1, carol):
    for number in range(1, 8):
        HouseholdFactory(group=group_a1, address=f"{number} Lê Lợi")
    content = _xlsx(
        [
            HEADER,
            ["1 Lê Lợi", "", "1,500.75"],  # mixed separators: was 150.075 đ
            ["2 Lê Lợi", "", 50000.5],  # a numeric cell with a fraction: was 500.005 đ
            ["3 Lê Lợi", "", "=1+1"],  # a formula: was 11 đ
            ["4 Lê Lợi", "", 0.001],  # was 1 đ
            ["5 Lê Lợi", "", "200.000 đ"],
            ["6 Lê Lợi", "", 150000],
            ["7 Lê Lợi", "", "300 000"],
        ]
    )
    preview = entry_import_preview(campaign=fund, group_id=group_a1.pk, name="to1.xlsx", content=content, by=carol)
    refused = {row["address"]: row["error"] for row in preview.bad_rows}
    assert set(refused) == {"1 Lê Lợi", "2 Lê Lợi", "3 Lê Lợi", "4 Lê Lợi"}
    assert "“1,500.75”" in refused["1 Lê Lợi"] and "“=1+1”" in refused["3 Lê Lợi"]
    assert "“50000.5”" in refused["2 Lê Lợi"] and "“0.001”" in refused["4 Lê Lợi"]
    shown = sorted((row["household"], row["amount"]) for row in preview.valid_rows)
    assert shown == [("5 Lê Lợi", 200_000), ("6 Lê Lợi", 150_000), ("7 Lê Lợi", 300_000)]

    assert entry_import_commit(entry_import=preview, by=carol) == 3
    recorded = sorted(Entry.objects.filter(campaign=fund).values_list("household__address", "amount"))
    assert recorded == shown


@pytest.mark.parametrize("amount", ["²", "①", "9" * 4400])
@pytest.mark.django_db
def test_a_csv_of_odd_digits_is_refused_by_row_not_answered_with_a_500(client_for, fund, group_a1, carol, amount):
    HouseholdFactory(group=group_a1, address="1 Lê Lợi")
    text = io.StringIO()
    csv.writer(text).writerows([HEADER, ["1 Lê Lợi", "", amount]])
    upload = io.BytesIO(text.getvalue().encode())
    upload.name = "to1.csv"
    answer = client_for(carol).post(f"/campaigns/{fund.pk}/import/", {"group": group_a1.pk, "file": upload})
    assert answer.status_code == 302
    (row,) = EntryImport.objects.get().rows
    assert "không phải số tiền" in row["error"]


def test_a_sheet_one_cell_wide_to_column_xfd_is_refused_before_its_cells_are_read(settings):
    content = _wide_sheet(20_000)
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as refused:
            read_table(name="to1.xlsx", content=content)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "cột 16384" in " ".join(refused.value.messages)
    assert peak < 100 * 1024 * 1024


def test_a_sheet_declaring_no_size_is_still_read_only_to_its_bounds(settings):
    """The dimension removed from the XML: the reader must not trust it to be there."""
    import zipfile

    settings.IMPORT_MAX_ROWS = 300
    source = zipfile.ZipFile(io.BytesIO(_wide_sheet(2_000)))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b'<dimension ref="A1:XFD2001"/>', b"")
            out.writestr(item, data)
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as refused:
            read_table(name="to1.xlsx", content=target.getvalue())
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "300" in " ".join(refused.value.messages)
    assert peak < 50 * 1024 * 1024


def test_a_csv_wider_than_any_list_is_refused_in_words():
    content = ("Họ tên,Số điện thoại" + ",x" * 200 + "\n").encode()
    with pytest.raises(ValidationError) as refused:
        read_table(name="list.csv", content=content)
    assert "cột" in " ".join(refused.value.messages)


cells = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["²", "①", "１２", "=1+1", "1,500.75", "200.000 đ", "-5", "9" * 4400, "\x00", "'", "\u202e"]),
)
# What a name can hold once stored (PostgreSQL keeps no NUL): every other character, control ones included.
names = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), min_size=1, max_size=60).filter(
    lambda name: name.strip()
)


def _written(value):
    """What openpyxl can store of a generated value: the characters XML cannot carry are left out, as any
    spreadsheet program leaves them out."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _upload(rows, *, as_csv: bool) -> tuple[str, bytes]:
    if as_csv:
        text = io.StringIO()
        csv.writer(text).writerows([["" if v is None else v for v in row] for row in rows])
        return "list.csv", text.getvalue().encode()
    return "list.xlsx", _xlsx(rows)


def _checks_or_refuses(read) -> None:
    """Each generated example in a savepoint rolled back after it: the examples share the test's database."""
    with transaction.atomic():
        try:
            read()
        except ValidationError:
            pass
        transaction.set_rollback(True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, max_size=8), max_size=8), as_csv=st.booleans())
@pytest.mark.django_db
def test_any_contribution_sheet_is_checked_or_refused_in_words(fund, group_a1, carol, rows, as_csv):
    rows = [HEADER, ["1 Lê Lợi", "", "100.000"], *[[_written(v) for v in row] for row in rows]]
    name, content = _upload(rows, as_csv=as_csv)

    def read():
        HouseholdFactory(group=group_a1, address="1 Lê Lợi")
        entry_import_preview(campaign=fund, group_id=group_a1.pk, name=name, content=content, by=carol)

    _checks_or_refuses(read)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, max_size=9), max_size=8), as_csv=st.booleans())
@pytest.mark.django_db
def test_any_member_sheet_is_checked_or_refused_in_words(alice, group_a1, rows, as_csv):
    rows = [["Họ tên", "Số điện thoại", "Địa chỉ/hộ", "Tổ"], *[[_written(v) for v in row] for row in rows]]
    name, content = _upload(rows, as_csv=as_csv)
    _checks_or_refuses(
        lambda: member_import_preview(ward=group_a1.ward, group=group_a1, file_name=name, content=content, by=alice)
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names, address=names)
@pytest.mark.django_db
def test_every_template_opens_in_a_spreadsheet_whatever_the_group_is_called(fund, alice, ward_a, name, address):
    with transaction.atomic():
        _templates_open(fund, alice, ward_a, name, address)
        transaction.set_rollback(True)


def _templates_open(fund, alice, ward_a, name, address):
    group = GroupFactory(ward=ward_a, name=name[:100])
    household = HouseholdFactory(group=group, address=address[:200])
    head = member_in(group, household=household, full_name=address[:100])
    household.head = head
    household.save()
    for content in (
        entry_import_template(campaign=fund, group_id=group.pk, by=alice),
        import_template_xlsx(group_name=group.name),
        members_export_xlsx(
            memberships=Membership.objects.filter(group=group).select_related("member__household", "group"),
            ward=ward_a,
            by=alice,
            label=group.name,
        ),
    ):
        book = load_workbook(io.BytesIO(content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                assert not any(isinstance(v, str) and v.startswith("=") for v in row)  # nothing a sheet would run
