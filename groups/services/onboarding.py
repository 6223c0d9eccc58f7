"""A new ward from one sheet: its residential groups with their declared households, its leaders with their
phones and roles, and its staff accounts, read and checked row by row, then made in one transaction by the
province's admin. The life of an import (portal.common.sheets): read bounded, preview, commit or expire.

One table, one row per thing, as a ward office keeps it in Excel:
- a group: its name and its households ("Tổ dân phố 1", 120);
- a leader: name, phone, role and group ("Nguyễn Văn A", 0912…, tổ trưởng, Tổ dân phố 1), with an email when they
  should also have an account of the portal for their group;
- a staff member of the ward: name, email and role (quản trị phường, cán bộ phường).
"""

import io
from collections import Counter
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from groups.models import Membership, ResidentialGroup, StaffProfile, Ward, WardOnboarding
from groups.selectors import province_admin_of
from groups.services.imports import GROUP_HEADERS, ROLE_WORDS, is_example_row
from groups.services.members import MemberData, member_data_clean, members_new_bulk
from groups.services.memberships import MembershipEntry, memberships_add_bulk
from groups.services.staff import staff_invite
from portal.common.audit import audit_record
from portal.common.sheets import IMPORT_KEEP, header_find, read_table, rows_bound
from portal.common.text import fold, normalize_spaces
from portal.models import AuditEvent

STAFF_WORDS = {
    "quan tri phuong": StaffProfile.Role.WARD_ADMIN,
    "quan tri xa": StaffProfile.Role.WARD_ADMIN,
    "quan tri": StaffProfile.Role.WARD_ADMIN,
    "can bo phuong": StaffProfile.Role.WARD_STAFF,
    "can bo xa": StaffProfile.Role.WARD_STAFF,
    "can bo": StaffProfile.Role.WARD_STAFF,
}
# Leaders whose email, when given, also makes them an account of the portal for their group.
ACCOUNT_ROLES = {Membership.Role.GROUP_HEAD, Membership.Role.GROUP_DEPUTY, Membership.Role.FRONT_HEAD}
# A branch head's organisation is not in this sheet: they are added later from the group's page.
LEADER_ROLES = set(Membership.Role.values) - {Membership.Role.BRANCH_HEAD}
MAX_HOUSEHOLDS = 100_000
HEADERS = ["Tổ dân phố", "Số hộ", "Họ và tên", "Số điện thoại", "Email", "Vai trò"]


def _column_for(header: str) -> str | None:
    folded = fold(header)
    if folded in GROUP_HEADERS or folded in {"ten to", "ten to dan pho"}:
        return "group"
    if folded.startswith("so ho") or folded in {"ho dan", "households"}:
        return "households"
    if "ho ten" in folded or "ho va ten" in folded or folded in {"ten", "name"}:
        return "full_name"
    if "dien thoai" in folded or folded in {"sdt", "so dt", "phone"}:
        return "phone"
    if "email" in folded or "thu dien tu" in folded:
        return "email"
    if "vai tro" in folded or "chuc vu" in folded or folded == "role":
        return "role"
    return None


def _ward_clean(name: str, code: str, errors: dict[str, list[str]]) -> tuple[str, str]:
    name, code = normalize_spaces(name)[:200], normalize_spaces(code)
    if not name:
        errors["ward_name"] = [_("Please give the ward's name.")]
    if not (code.isascii() and code.isdigit() and 4 <= len(code) <= 10):
        errors["ward_code"] = [_("The administrative code is 4 to 10 digits (for example 22333).")]
    elif Ward.objects.filter(code=code).exists():
        errors["ward_code"] = [_("A ward with this code is already on the portal.")]
    return name, code


def _person(cells: dict[str, str], groups: dict[str, str], say: Any) -> dict[str, Any] | None:
    """A leader or a staff member's row, checked; None when something is wrong (said through `say`)."""
    role_text = fold(cells.get("role", ""))
    staff_role = STAFF_WORDS.get(role_text)
    role = ROLE_WORDS.get(role_text)
    person: dict[str, Any] = {"full_name": normalize_spaces(cells.get("full_name", ""))[:200]}
    email = cells.get("email", "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            return say(_("“%(email)s” is not a valid email address.") % {"email": email})
    person["email"] = email
    if staff_role:
        if not email:
            return say(_("A staff account needs an email, where its invitation goes."))
        return {**person, "account": staff_role}
    if role not in LEADER_ROLES:
        return say(
            _(
                "Unknown role “%(role)s”: write tổ trưởng, tổ phó, trưởng ban CTMT, CSKV, quản trị phường or cán bộ phường."
            )
            % {"role": cells.get("role", "")}
        )
    group = groups.get(fold(cells.get("group", "")))
    if group is None:
        return say(
            _("The group “%(group)s” is not among the groups of this sheet.") % {"group": cells.get("group", "")}
        )
    errors: dict[str, list[str]] = {}
    data = member_data_clean(
        data=MemberData(full_name=person["full_name"], phone=cells.get("phone", "")), errors=errors
    )
    if errors:
        return say(" ".join(message for messages in errors.values() for message in messages))
    account = StaffProfile.Role.GROUP_LEADER if email and role in ACCOUNT_ROLES else ""
    return {
        **person,
        "full_name": data.full_name,
        "phone": data.phone,
        "role": role,
        "group": group,
        "account": account,
    }


def onboarding_read(*, name: str, content: bytes) -> dict[str, Any]:
    """The sheet's groups and people, each checked, with what is wrong said per line."""
    table = read_table(name=name, content=content)
    found, index, body = header_find(
        table,
        _column_for,
        {"group", "full_name", "role"},
        _(
            "No header row found. The first rows must name the columns: “Tổ dân phố”, “Số hộ”, “Họ và tên”, "
            "“Số điện thoại”, “Email”, “Vai trò”."
        ),
    )
    rows_bound(len(body))
    columns = {position: field for field, position in found.items()}
    lines = []
    for offset, row in enumerate(body):
        cells = {columns[i]: value for i, value in enumerate(row) if i in columns and value}
        if cells and not is_example_row(row):
            lines.append((index + offset + 2, cells))
    result: dict[str, Any] = {"groups": [], "people": [], "errors": []}
    groups: dict[str, str] = {}
    for line, cells in lines:
        if cells.get("full_name"):
            continue
        name_ = normalize_spaces(cells.get("group", ""))[:200]
        households = cells.get("households", "").replace(".", "").replace(",", "")
        if not name_:
            result["errors"].append({"line": line, "text": _("A row without a name or a group: what is it?")})
        elif fold(name_) in groups:
            result["errors"].append({"line": line, "text": _("“%(group)s” is listed twice.") % {"group": name_}})
        elif not (households.isdigit() and int(households) <= MAX_HOUSEHOLDS):
            result["errors"].append(
                {"line": line, "text": _("“%(group)s”: the households must be a whole number.") % {"group": name_}}
            )
        else:
            groups[fold(name_)] = name_
            result["groups"].append({"line": line, "name": name_, "households": int(households)})
    for line, cells in lines:
        if not cells.get("full_name"):
            continue

        def say(text: str, line: int = line) -> None:
            result["errors"].append({"line": line, "text": text})

        person = _person(cells, groups, say)
        if person is not None:
            result["people"].append({"line": line, **person})
    if not result["groups"]:
        result["errors"].append({"line": 0, "text": _("The sheet lists no residential group.")})
    _duplicates(result)
    return result


def _duplicates(result: dict[str, Any]) -> None:
    """One email is one account; one phone is one person (who may lead two groups, under the same name)."""
    emails = Counter(p["email"] for p in result["people"] if p.get("account"))
    known = set(get_user_model().objects.filter(email__in=[e for e in emails]).values_list("email", flat=True))
    names: dict[str, str] = {}
    places: set[tuple[str, str]] = set()
    for person in result["people"]:
        email = person.get("email") if person.get("account") else ""
        if email and (emails[email] > 1 or email in known):
            result["errors"].append(
                {
                    "line": person["line"],
                    "text": _("An account with the email %(email)s is already listed or exists.") % {"email": email},
                }
            )
        phone = person.get("phone")
        if phone and names.setdefault(phone, person["full_name"]) != person["full_name"]:
            result["errors"].append(
                {"line": person["line"], "text": _("This phone number is given for two different people.")}
            )
        elif phone and (phone, fold(person["group"])) in places:
            result["errors"].append(
                {"line": person["line"], "text": _("This person is listed twice in the same group: keep one role.")}
            )
        elif phone:
            places.add((phone, fold(person["group"])))


def onboarding_preview(*, by: Any, ward_name: str, ward_code: str, name: str, content: bytes) -> WardOnboarding:
    staff = province_admin_of(by)
    errors: dict[str, list[str]] = {}
    ward_name, ward_code = _ward_clean(ward_name, ward_code, errors)
    if errors:
        raise ValidationError(errors)
    rows = onboarding_read(name=name, content=content)
    onboarding = WardOnboarding.objects.create(
        province=staff.province,
        ward_name=ward_name,
        ward_code=ward_code,
        file_name=normalize_spaces(name)[:255],
        rows=rows,
        created_by=by,
    )
    audit_record(actor=by, action=AuditEvent.Action.CREATE, obj=onboarding, summary=f"{ward_name} ({ward_code})")
    return onboarding


def onboarding_commit(*, onboarding: WardOnboarding, by: Any) -> Ward:
    """The ward, its groups, its leaders as members with their roles, and its staff invited (their mails go out
    through the delivery pipeline when the transaction commits); all of it or, at any refusal, none."""
    staff = province_admin_of(by)
    with transaction.atomic():
        onboarding = WardOnboarding.objects.select_for_update().get(pk=onboarding.pk, province=staff.province)
        if onboarding.status != WardOnboarding.Status.PREVIEW:
            raise ValidationError(_("This sheet has already been used, or has expired: upload it again."))
        rows = onboarding.rows
        if rows.get("errors"):
            raise ValidationError(_("Correct the rows marked in the file, then upload it again."))
        errors: dict[str, list[str]] = {}
        _ward_clean(onboarding.ward_name, onboarding.ward_code, errors)
        if errors:
            raise ValidationError(errors)
        ward = Ward.objects.create(
            name=onboarding.ward_name,
            code=onboarding.ward_code,
            province=staff.province,
            households_total=sum(g["households"] for g in rows["groups"]),
        )
        groups = {
            g.name_folded: g
            for g in ResidentialGroup.objects.bulk_create(
                ResidentialGroup(
                    ward=ward, name=g["name"], name_folded=fold(g["name"]), households_total=g["households"]
                )
                for g in rows["groups"]
            )
        }
        leaders = [p for p in rows["people"] if p.get("phone")]
        firsts: dict[str, dict[str, Any]] = {}
        for person in leaders:
            firsts.setdefault(person["phone"], person)
        members = members_new_bulk(
            ward=ward,
            people=[
                (MemberData(full_name=p["full_name"], phone=p["phone"], email=p["email"]), None)
                for p in firsts.values()
            ],
        )
        by_phone = {m.phone: m for m in members}
        memberships_add_bulk(
            entries=[
                MembershipEntry(member=by_phone[p["phone"]], group_id=groups[fold(p["group"])].pk, role=p["role"])
                for p in leaders
            ],
            by=by,
            source=Membership.Source.IMPORT,
        )
        for person in rows["people"]:
            if person.get("account"):
                led = [groups[fold(person["group"])]] if person["account"] == StaffProfile.Role.GROUP_LEADER else []
                staff_invite(
                    ward=ward,
                    email=person["email"],
                    full_name=person["full_name"],
                    role=person["account"],
                    groups=led,
                    by=by,
                )
        onboarding.status, onboarding.ward, onboarding.finished_at = WardOnboarding.Status.DONE, ward, timezone.now()
        onboarding.save(update_fields=["status", "ward", "finished_at"])
        audit_record(
            actor=by,
            action=AuditEvent.Action.CREATE,
            obj=ward,
            ward=ward,
            summary=f"onboarded from {onboarding.file_name}: {len(groups)} groups, {len(leaders)} leaders",
        )
    return ward


def onboardings_expire(*, now: datetime | None = None) -> int:
    """Previews nobody committed within IMPORT_KEEP lose their rows (names, phones, emails)."""
    before = (now or timezone.now()) - IMPORT_KEEP
    return WardOnboarding.objects.filter(status=WardOnboarding.Status.PREVIEW, created_at__lt=before).update(
        status=WardOnboarding.Status.EXPIRED, rows={}
    )


def onboarding_template() -> bytes:
    """The sheet to fill in: its columns, and an example of each kind of row, marked to be deleted."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Khai báo phường"
    sheet.append(
        ["Khai báo phường, xã mới: mỗi dòng là một tổ dân phố, một cán bộ tổ, hoặc một tài khoản cán bộ phường."]
    )
    sheet.append(HEADERS)
    mark = " (ví dụ, xóa dòng này)"
    sheet.append(["Tổ dân phố 1" + mark, 120, "", "", "", ""])
    sheet.append(["Tổ dân phố 1" + mark, "", "Nguyễn Văn An", "0912345678", "an.nguyen@example.vn", "Tổ trưởng"])
    sheet.append(["Tổ dân phố 1" + mark, "", "Trần Thị Bình", "0987654321", "", "Trưởng Ban CTMT"])
    sheet.append(["", "", "Lê Thị Cúc" + mark, "", "cuc.le@example.vn", "Quản trị phường"])
    for column, width in zip("ABCDEF", (24, 10, 24, 16, 28, 20), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
