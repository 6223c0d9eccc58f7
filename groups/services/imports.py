"""Member lists from spreadsheets, through portal.common.sheets' life of an import: read, preview, then commit in one
transaction, with the members and memberships services' bulk writes (groups.member_sheets makes the template and
the export).

Wards keep their lists in Excel, with a title row or two above the header, headers written in many ways
("Họ và tên", "SĐT", "Địa chỉ/hộ", "Tổ") and phone numbers that Excel turned into numbers (the leading 0
lost). This module reads those, says what is wrong with each row, and imports only what is right."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Household, Member, MemberImport, Membership, ResidentialGroup, Ward
from groups.selectors import group_find_by_name, managed_groups_for_user, members_for_user
from groups.services.base import role_clean
from groups.services.members import MemberData, member_data_clean, members_new_bulk
from groups.services.memberships import MembershipEntry, memberships_add_bulk
from portal.common.audit import audit_record
from portal.common.sheets import IMPORT_KEEP, header_find, read_table, rows_bound
from portal.common.text import fold, normalize_spaces
from portal.models import AuditEvent

# The columns of our export, which the import reads back; Vietnamese, because that is the file's language.


EXPORT_HEADERS = ["Họ tên", "Số điện thoại", "Địa chỉ/hộ", "Tổ", "Vai trò", "Tổ chức", "Email"]


ROLE_WORDS: dict[str, str] = {
    "cu dan": Membership.Role.RESIDENT,
    "nguoi dan": Membership.Role.RESIDENT,
    "thanh vien": Membership.Role.RESIDENT,
    "resident": Membership.Role.RESIDENT,
    "dai dien ho": Membership.Role.HOUSEHOLD_REP,
    "chu ho": Membership.Role.HOUSEHOLD_REP,
    "household representative": Membership.Role.HOUSEHOLD_REP,
    "to truong": Membership.Role.GROUP_HEAD,
    "truong thon": Membership.Role.GROUP_HEAD,
    "to pho": Membership.Role.GROUP_DEPUTY,
    "pho thon": Membership.Role.GROUP_DEPUTY,
    "truong ban ctmt": Membership.Role.FRONT_HEAD,
    "truong ban cong tac mat tran": Membership.Role.FRONT_HEAD,
    "chi hoi truong": Membership.Role.BRANCH_HEAD,
    "cskv": Membership.Role.POLICE,
    "canh sat khu vuc": Membership.Role.POLICE,
    "cong an khu vuc": Membership.Role.POLICE,
    "lanh dao phuong": Membership.Role.WARD_LEADER,
    "lanh dao xa": Membership.Role.WARD_LEADER,
}


ROLE_EXPORT_WORDS: dict[str, str] = {
    Membership.Role.RESIDENT: "Cư dân",
    Membership.Role.HOUSEHOLD_REP: "Đại diện hộ",
    Membership.Role.GROUP_HEAD: "Tổ trưởng",
    Membership.Role.GROUP_DEPUTY: "Tổ phó",
    Membership.Role.FRONT_HEAD: "Trưởng Ban CTMT",
    Membership.Role.BRANCH_HEAD: "Chi hội trưởng",
    Membership.Role.POLICE: "CSKV",
    Membership.Role.WARD_LEADER: "Lãnh đạo phường",
}


GROUP_HEADERS = {"to", "to dan pho", "thon", "khu dan cu", "ap", "to/thon", "khu pho", "group", "tdp"}


def _column_for(header: str) -> str | None:
    folded = fold(header)
    if not folded or folded in {"stt", "tt", "no", "#"}:
        return None
    if "ho ten" in folded or "ho va ten" in folded or folded in {"ten", "name", "full name"}:
        return "full_name"
    if "dien thoai" in folded or folded in {"sdt", "so dt", "dt", "phone", "mobile"}:
        return "phone"
    if "email" in folded or "thu dien tu" in folded:
        return "email"
    if "dia chi" in folded or folded in {"ho", "so nha", "address", "household"}:
        return "address"
    if folded in GROUP_HEADERS:
        return "group"
    if "vai tro" in folded or "chuc vu" in folded or folded == "role":
        return "role"
    if "to chuc" in folded or folded in {"chi hoi", "organisation", "organization"}:
        return "organisation"
    return None


def _header_and_rows(table: list[list[str]]) -> tuple[dict[int, str], int, list[list[str]]]:
    """The list's header among its first rows (lists often start with a title), and each column's field."""
    found, index, body = header_find(
        table,
        _column_for,
        {"full_name", "phone"},
        _("No header row found. The first rows must name the columns, at least “Họ tên” and “Số điện thoại”."),
    )
    return {position: field for field, position in found.items()}, index, body


# The template's example row carries this mark in its name: a row with it anywhere, whatever else was typed in it
# (a real name over the example's, a real phone), is the example and is never imported.
EXAMPLE_MARK = "(ví dụ, xóa dòng này)"
_EXAMPLE_FOLDED = fold(EXAMPLE_MARK).strip("()")


def is_example_row(cells: list[str]) -> bool:
    return any(_EXAMPLE_FOLDED in fold(cell) for cell in cells)


def parse_member_rows(*, name: str, content: bytes) -> list[dict[str, Any]]:
    columns, header_index, body = _header_and_rows(read_table(name=name, content=content))
    rows = []
    for offset, raw in enumerate(body):
        values: dict[str, Any] = {field: (raw[i] if i < len(raw) else "") for i, field in columns.items()}
        if not any(values.values()):
            continue
        values["line"] = header_index + offset + 2  # the spreadsheet's own row number, 1-based
        values["example"] = is_example_row(raw)
        rows.append(values)
    if not rows:
        raise ValidationError(_("The file has a header but no rows."))
    rows_bound(len(rows))
    return rows


def _role_from_text(text: str) -> tuple[str | None, str]:
    folded = fold(text)
    if not folded:
        return Membership.Role.RESIDENT, ""
    if folded in ROLE_WORDS:
        return ROLE_WORDS[folded], ""
    if folded.startswith("chi hoi truong "):
        # "Chi hội trưởng Hội Phụ nữ": the organisation is written after the role.
        return Membership.Role.BRANCH_HEAD, normalize_spaces(text)[len("chi hội trưởng ") :]
    return None, ""


# What a row of the file says, as kept with the preview and checked again at import time.
SOURCE_FIELDS = ("line", "full_name", "phone", "address", "group", "role", "organisation", "email")


def _phone_action(
    *,
    phone: str,
    line: Any,
    group: ResidentialGroup | None,
    ward: Ward,
    visible: Any,
    seen: dict[str, int],
    known: dict[str, Member],
    errors: dict[str, list[str]],
) -> tuple[str, str]:
    """What a row's phone number means, and what to say of it: a new member ("create"), a resident this person
    sees to add to the group ("add_existing"), or one of another group to ask ("request"); a repeat of an earlier
    row or a current member of the group is an error instead."""
    action, note = "create", ""
    if not phone or "phone" in errors:
        return action, note
    if phone in seen:
        errors.setdefault("phone", []).append(
            _("Same phone number as row %(line)s of this file.") % {"line": seen[phone]}
        )
    else:
        seen[phone] = line
        known[phone] = known.get(phone) or Member.objects.filter(ward=ward, phone=phone).first()
        existing = known[phone]
        if existing is not None:
            # Whose number it is shows only to who may see that resident: a leader importing a list
            # must not learn the names of other groups' residents from it.
            shown = visible.filter(pk=existing.pk).exists()
            if (
                group is not None
                and existing.memberships.filter(group=group, status__in=Membership.CURRENT_STATUSES).exists()
            ):
                errors.setdefault("phone", []).append(
                    _("This phone number is already a member of %(group)s (%(name)s).")
                    % {"group": group.name, "name": existing.full_name}
                    if shown
                    else _("This phone number already has a request or membership in %(group)s.")
                    % {"group": group.name}
                )
            elif shown:
                action = "add_existing"
                note = _("Already in the ward as %(name)s; will be added to this group.") % {"name": existing.full_name}
            else:
                action = "request"
                note = _(
                    "Already a resident of another group: a request will be sent. They confirm it on their "
                    "own phone, or their group's leader or a ward admin decides."
                )
    return action, note


def _validate_rows(
    *, rows: list[dict[str, Any]], ward: Ward, default_group: ResidentialGroup | None, user: Any
) -> list[dict[str, Any]]:
    """Check every row against the file and the database; each row gets `errors`, `action` and what to write."""
    allowed_group_ids = set(managed_groups_for_user(user=user).values_list("pk", flat=True))
    visible = members_for_user(user=user)
    existing_by_phone: dict[str, Member] = {}
    seen_phones: dict[str, int] = {}
    checked = []
    for source in rows:
        row = {k: source.get(k, "") for k in SOURCE_FIELDS}
        row["example"] = bool(source.get("example"))  # kept, so a check again at import time skips it too
        errors: dict[str, list[str]] = {}
        if source.get("example"):
            errors["full_name"] = [_("The template's example row: left out. Write each person on a row of their own.")]
        data = member_data_clean(
            data=MemberData(full_name=row["full_name"], phone=row["phone"], email=row["email"], address=row["address"]),
            errors=errors,
        )
        group = default_group
        if row["group"]:
            group = group_find_by_name(ward=ward, name=row["group"])
            if group is None:
                errors.setdefault("group", []).append(_("Unknown group “%(group)s”.") % {"group": row["group"]})
        elif group is None:
            errors.setdefault("group", []).append(_("The row names no group."))
        if group is not None and group.pk not in allowed_group_ids:
            errors.setdefault("group", []).append(_("You cannot add members to “%(group)s”.") % {"group": group.name})
        role, organisation = _role_from_text(row["role"])
        if role is None:
            errors.setdefault("role", []).append(
                _("Unknown role “%(role)s”. Write one of: %(roles)s.")
                % {"role": row["role"], "roles": ", ".join(ROLE_EXPORT_WORDS.values())}
            )
        else:
            role, organisation = role_clean(role=role, organisation=organisation or row["organisation"], errors=errors)
        action, note = _phone_action(
            phone=data.phone,
            line=row["line"],
            group=group,
            ward=ward,
            visible=visible,
            seen=seen_phones,
            known=existing_by_phone,
            errors=errors,
        )
        checked.append(
            {
                **row,
                "phone_e164": data.phone,
                "full_name_clean": data.full_name,
                "address_clean": data.address,
                "email_clean": data.email,
                "group_id": group.pk if group is not None else None,
                "group_name": group.name if group is not None else row["group"],
                "role_code": role or "",
                "organisation_clean": organisation if role else "",
                "errors": [message for messages in errors.values() for message in messages],
                "action": None if errors else action,
                "note": note,
            }
        )
    return checked


def member_import_preview(
    *, ward: Ward, group: ResidentialGroup | None, file_name: str, content: bytes, by: Any
) -> MemberImport:
    """Read an uploaded list and keep it with every row's problem, for a person to look at before importing."""
    rows = parse_member_rows(name=file_name, content=content)
    checked = _validate_rows(rows=rows, ward=ward, default_group=group, user=by)
    return MemberImport.objects.create(ward=ward, group=group, file_name=file_name[:255], rows=checked, created_by=by)


class ImportChanged(Exception):
    """The database changed since the preview; the preview has been refreshed and must be looked at again."""


def member_import_commit(*, member_import: MemberImport, by: Any) -> int:
    """Import every valid row of a previewed list in one transaction: all of them or, on any failure, none."""
    with transaction.atomic():
        locked = MemberImport.objects.select_for_update().get(pk=member_import.pk)
        if locked.status != MemberImport.Status.PREVIEW:
            raise ValidationError(_("This list has already been imported or has expired. Upload it again."))
        if locked.created_by_id != getattr(by, "pk", None):
            raise ValidationError(_("Only the person who uploaded this list can import it."))
        source_rows = [{k: r.get(k, "") for k in (*SOURCE_FIELDS, "example")} for r in locked.rows]
        fresh = _validate_rows(rows=source_rows, ward=locked.ward, default_group=locked.group, user=by)
        changed = [r["action"] for r in fresh] != [r["action"] for r in locked.rows]
        if changed:
            # Keep the refreshed preview (this transaction commits it) and import nothing.
            locked.rows = fresh
            locked.save(update_fields=["rows"])
        else:
            count = _import_valid_rows(member_import=locked, rows=fresh, by=by)
    if changed:
        raise ImportChanged()
    return count


def _import_valid_rows(*, member_import: MemberImport, rows: list[dict[str, Any]], by: Any) -> int:
    """Write the valid rows with a few set-based inserts; the caller holds the transaction."""
    valid = [r for r in rows if r["action"]]
    now = timezone.now()
    households = _households_for_rows(valid)
    new_members = members_new_bulk(
        ward=member_import.ward,
        people=[
            (
                MemberData(full_name=r["full_name_clean"], phone=r["phone_e164"], email=r["email_clean"]),
                households.get((r["group_id"], fold(r["address_clean"]))),
            )
            for r in valid
            if r["action"] == "create"
        ],
    )
    member_by_phone = {m.phone: m for m in new_members}
    existing_phones = [r["phone_e164"] for r in valid if r["action"] in {"add_existing", "request"}]
    member_by_phone.update(
        {m.phone: m for m in Member.objects.filter(ward=member_import.ward, phone__in=existing_phones)}
    )
    # A resident of another group is asked, not taken (groups.services.membership_request).
    memberships_add_bulk(
        entries=[
            MembershipEntry(
                member=member_by_phone[r["phone_e164"]],
                group_id=r["group_id"],
                role=r["role_code"],
                organisation=r["organisation_clean"],
                ask=r["action"] == "request",
            )
            for r in valid
        ],
        by=by,
        source=Membership.Source.IMPORT,
    )
    member_import.status, member_import.imported_count, member_import.finished_at = (
        MemberImport.Status.DONE,
        len(valid),
        now,
    )
    member_import.rows = rows
    member_import.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.IMPORT,
        obj=member_import,
        ward=member_import.ward,
        summary=f"{member_import.file_name}: {len(valid)} rows",
        changes={"imported": len(valid), "skipped": len(rows) - len(valid)},
    )
    return len(valid)


def _households_for_rows(rows: list[dict[str, Any]]) -> dict[tuple[int, str], Household]:
    wanted = {(r["group_id"], fold(r["address_clean"])): r["address_clean"] for r in rows if r["address_clean"]}
    if not wanted:
        return {}
    group_ids = {g for g, _a in wanted}
    found = {
        (h.group_id, h.address_folded): h
        for h in Household.objects.filter(group_id__in=group_ids, address_folded__in={a for _g, a in wanted})
    }
    missing = [
        Household(group_id=g, address=address, address_folded=a)
        for (g, a), address in wanted.items()
        if (g, a) not in found
    ]
    for household in Household.objects.bulk_create(missing):
        found[(household.group_id, household.address_folded)] = household
    return found


def member_imports_expire(*, now: datetime | None = None) -> int:
    """Previews nobody imported keep residents' phone numbers: their rows are dropped after IMPORT_KEEP."""
    now = now or timezone.now()
    return MemberImport.objects.filter(status=MemberImport.Status.PREVIEW, created_at__lt=now - IMPORT_KEEP).update(
        status=MemberImport.Status.EXPIRED, rows=[]
    )
