"""A group's contributions from a sheet (a leader's paper list typed into Excel): read, every row checked and
shown, then recorded in one transaction. The template lists the group's households, so the leader only fills
in the amounts."""

import io
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from campaigns.models import Campaign, Entry, EntryImport
from campaigns.services.entries import EntryData, amount_clean, entry_record
from groups.models import Household, ResidentialGroup
from groups.selectors import groups_for_user
from portal.common.audit import audit_record
from portal.common.numbers import parse_whole
from portal.common.sheets import IMPORT_KEEP, cell_safe, header_find, read_table, rows_bound, sheet_title
from portal.common.text import fold, normalize_spaces
from portal.models import AuditEvent

HEADERS = ["Địa chỉ/hộ", "Chủ hộ", "Số tiền", "Số biên lai", "Hình thức", "Công khai tên"]
# How wards name these columns, folded: the first match of a row names the column.
_COLUMNS = {
    "address": {"dia chi/ho", "dia chi", "ho", "ho gia dinh", "dia chi ho", "so nha"},
    "head": {"chu ho", "ten chu ho", "ho ten", "ho va ten"},
    "amount": {"so tien", "tien", "so tien (dong)", "so luong", "so nguoi", "dong gop"},
    "receipt": {"so bien lai", "bien lai", "so phieu"},
    "method": {"hinh thuc", "hinh thuc nop", "cach nop"},
    "public": {"cong khai ten", "cong khai", "dong y cong khai"},
}
_YES = {"co", "x", "dong y", "yes", "1", "c"}
_TRANSFER = {"chuyen khoan", "ck", "transfer", "ngan hang"}


def _group_for(by: Any, campaign: Campaign, group_id: int | None) -> ResidentialGroup:
    group = groups_for_user(user=by).filter(pk=group_id, ward_id=campaign.ward_id).first()
    if group is None:
        raise PermissionDenied
    return group


def entry_import_template(*, campaign: Campaign, group_id: int | None, by: Any) -> bytes:
    group = _group_for(by, campaign, group_id)
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(group.name)
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for household in Household.objects.filter(group=group).select_related("head").order_by("address_folded"):
        sheet.append([cell_safe(household.address), cell_safe(household.head.full_name if household.head else "")])
    for column, width in zip("ABCDEF", (34, 26, 14, 14, 16, 14), strict=True):
        sheet.column_dimensions[column].width = width
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _column_for(header: str) -> str | None:
    folded = fold(header)
    return next((name for name, words in _COLUMNS.items() if folded in words), None)


def _amount_of(text: str) -> int | None:
    """The amount as written in the cell ("200.000", "200 000 đ", a numeric cell), or refused with the cell's
    own text: a fraction of a đồng, a formula, mixed separators or words are never guessed at."""
    try:
        return parse_whole(text)
    except ValueError:
        raise ValidationError(
            _("“%(text)s” is not a whole number of đồng; write it like 200.000 or 200000.") % {"text": text[:40]}
        ) from None


def entry_import_preview(
    *, campaign: Campaign, group_id: int | None, name: str, content: bytes, by: Any
) -> EntryImport:
    """Read the sheet and check every row: the household (by address, or by the head's name), the amount, the
    receipt number (not twice in the sheet, not already recorded). Nothing is recorded yet."""
    group = _group_for(by, campaign, group_id)
    if campaign.status != Campaign.Status.OPEN:
        raise ValidationError({"file": [_("This campaign has closed: nothing more can be recorded.")]})
    try:
        columns, index, body = header_find(
            read_table(name=name, content=content),
            _column_for,
            {"address", "amount"},
            _("No header row found. The first rows must name the columns, at least “Địa chỉ/hộ” and “Số tiền”."),
        )
        rows_bound(len(body))
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    offset = index + 1
    households = list(Household.objects.filter(group=group).select_related("head"))
    by_address = {h.address_folded: h for h in households}
    by_head: dict[str, list[Household]] = {}
    for household in households:
        if household.head:
            by_head.setdefault(fold(household.head.full_name), []).append(household)
    recorded = set(
        Entry.objects.filter(campaign=campaign, reverses__isnull=True)
        .exclude(receipt_number="")
        .values_list("receipt_number", flat=True)
    )
    seen_receipts: set[str] = set()
    rows = []
    for number, cells in enumerate(body, start=offset + 1):

        def cell(name: str, cells: list[str] = cells) -> str:
            position = columns.get(name)
            return cells[position] if position is not None and position < len(cells) else ""

        address, head, amount_text = cell("address"), cell("head"), cell("amount")
        if not amount_text and not cell("receipt"):
            continue  # an empty row, or a household of the template that gave nothing (left empty)
        row: dict[str, Any] = {"row": number, "address": address, "head": head, "amount_text": amount_text}
        household = by_address.get(fold(address))
        if household is None and len(by_head.get(fold(head), [])) == 1:
            household = by_head[fold(head)][0]
        receipt = normalize_spaces(cell("receipt"))[:40]
        try:
            if household is None:
                raise ValidationError(_("No household of %(group)s has this address.") % {"group": group.name})
            if not amount_text and campaign.unit == Campaign.Unit.VND:
                raise ValidationError(_("No amount."))
            amount = amount_clean(campaign, _amount_of(amount_text))
            if receipt and (receipt in recorded or receipt in seen_receipts):
                raise ValidationError(_("Receipt number %s is already recorded.") % receipt)
        except ValidationError as error:
            row["error"] = " ".join(error.messages)
        else:
            if receipt:
                seen_receipts.add(receipt)
            row.update(
                household_id=household.pk,
                household=household.address,
                amount=amount,
                receipt=receipt,
                method="transfer" if fold(cell("method")) in _TRANSFER else "cash",
                name_public=fold(cell("public")) in _YES,
            )
        rows.append(row)
    if not rows:
        raise ValidationError({"file": [_("The sheet has no rows with an amount.")]})
    return EntryImport.objects.create(
        campaign=campaign, group=group, file_name=(name or "danh-sach.xlsx")[:200], rows=rows, created_by=by
    )


def entry_import_commit(*, entry_import: EntryImport, by: Any, ip: str | None = None) -> int:
    """Record every valid row, all or none, each exactly as the preview showed it. Committing the same import
    again (a double tap, a retry) records nothing more: the import's row is locked and marked. A row that can no
    longer be recorded as shown (its receipt number recorded since, a household moved) stops the whole import:
    nothing is recorded, the import is not marked done, and the row carries the reason for the next look."""
    _group_for(by, entry_import.campaign, entry_import.group_id)
    problems: dict[int, str] = {}
    with transaction.atomic():
        locked = EntryImport.objects.select_for_update().get(pk=entry_import.pk)
        if locked.committed_at is not None:
            raise ValidationError(
                {"file": [_("This sheet was already recorded at %s.") % f"{locked.committed_at:%H:%M %d/%m/%Y}"]}
            )
        if locked.expired_at is not None:
            raise ValidationError({"file": [_("This preview has expired: upload the sheet again.")]})
        for row in locked.valid_rows:
            try:
                with transaction.atomic():
                    entry_record(
                        campaign=locked.campaign,
                        data=EntryData(
                            household_id=row["household_id"],
                            amount=row["amount"],
                            key="",
                            method=row["method"],
                            receipt_number=row["receipt"],
                            name_public=row["name_public"],
                        ),
                        by=by,
                        ip=ip,
                        made_here=True,
                    )
            except (ValidationError, PermissionDenied) as error:
                problems[row["row"]] = (
                    " ".join(error.messages) if isinstance(error, ValidationError) else _("Not allowed.")
                )
        if problems:
            transaction.set_rollback(True)
        else:
            created = len(locked.valid_rows)
            locked.committed_at = timezone.now()
            locked.save(update_fields=["committed_at"])
            audit_record(
                actor=by,
                action=AuditEvent.Action.IMPORT,
                obj=locked.campaign,
                ward=locked.campaign.ward,
                summary=f"{created} entries from {locked.file_name}",
            )
            return created
    for row in entry_import.rows:
        if row["row"] in problems:
            row["error"] = problems[row["row"]]
    EntryImport.objects.filter(pk=entry_import.pk, committed_at__isnull=True).update(rows=entry_import.rows)
    said = "; ".join(_("row %(row)s: %(why)s") % {"row": number, "why": why} for number, why in problems.items())
    raise ValidationError(
        {
            "file": [
                _(
                    "Nothing was recorded: %(count)s rows can no longer be recorded as shown (%(rows)s). They are now "
                    "marked below; record the others again."
                )
                % {"count": len(problems), "rows": said}
            ]
        }
    )


def entry_imports_expire(*, now: datetime | None = None) -> int:
    """Previews nobody recorded name households and amounts: their rows are dropped after IMPORT_KEEP."""
    now = now or timezone.now()
    return EntryImport.objects.filter(
        committed_at__isnull=True, expired_at__isnull=True, created_at__lt=now - IMPORT_KEEP
    ).update(expired_at=now, rows=[])
