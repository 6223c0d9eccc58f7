"""The demo's province around the demo ward: two smaller wards beside it and the province admin's account."""

import random
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from feedback import services as report_services
from groups.models import Province, ProvinceStaff, ResidentialGroup, Ward
from portal.common.text import fold

PROVINCE_ACCOUNT = ("province@demo.ketnoiphuong.vn", "Võ Thị Thanh", ProvinceStaff.Role.ADMIN)
# Code, name, number of groups: smaller than the demo ward, and at other stages (one barely started).
NEIGHBOURS = [("99002", "Phường Phước Long (demo)", 6), ("99003", "Phường Vĩnh Hải (demo)", 4)]
REPORTS = [
    ("environment", "Cống thoát nước trước chợ bị tắc, mưa là ngập.", "Hồ Văn Sáu", "0935 222 111"),
    ("urban_order", "Xe tải đậu qua đêm chắn lối vào hẻm 7.", "", ""),
]


@transaction.atomic
def neighbours_build(command: Any, province: Province, password: str) -> list[Ward]:
    """The two other wards, each with groups filled as the demo ward's are and a report or two."""
    rng = random.Random(2027)
    used: set[str] = set()
    now = timezone.now()
    built = []
    for code, name, size in NEIGHBOURS:
        if Ward.objects.filter(code=code).exists():
            continue
        ward = Ward.objects.create(name=name, code=code, province=province)
        groups = ResidentialGroup.objects.bulk_create(
            ResidentialGroup(
                ward=ward,
                name=f"Tổ dân phố {n}",
                name_folded=fold(f"Tổ dân phố {n}"),
                households_total=rng.randint(30, 55),
            )
            for n in range(1, size + 1)
        )
        ward.households_total = sum(g.households_total for g in groups)
        ward.save(update_fields=["households_total"])
        for index, group in enumerate(groups):
            # Later indexes cover less: the second ward is at its beginning.
            command._fill_group(ward, group, index * (3 if code == "99003" else 1), rng, used, now)
        for category, description, person, phone in REPORTS:
            report_services.report_submit(
                ward=ward,
                data=report_services.ReportData(
                    category=category, description=description, name=person, phone=phone, anonymous=not person
                ),
            )
        built.append(ward)
    return built


def notice_ensure(province: Province) -> None:
    """The province's Tết letter, on every ward's public page: sent, and published here rather than by the worker
    so the pages have it before the worker starts."""
    from announcements import services as announcements
    from announcements.models import ProvinceAnnouncement

    if ProvinceAnnouncement.objects.filter(province=province).exists():
        return
    admin = get_user_model().objects.get(email=PROVINCE_ACCOUNT[0])
    notice = announcements.province_announcement_save(
        user=admin,
        data=announcements.ProvinceNoticeData(
            title="Thư chúc Tết của Ủy ban MTTQ tỉnh",
            body="Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Khánh Hòa kính chúc bà con một năm mới an khang.",
            category="other",
            channels=["web_feed"],
        ),
    )
    for part in announcements.province_announcement_send(notice=notice, by=admin):
        announcements.announcement_dispatch(announcement_id=part.pk)
        while announcements.deliveries_send_batch(announcement_id=part.pk, kind="web_feed"):
            pass


def campaign_ensure(province: Province) -> None:
    """The province's Fund for the Poor, running in its three wards, with a few contributions recorded in the
    demo ward's first groups so the province's page has a figure to show."""
    from campaigns import services as campaigns
    from campaigns.models import Campaign, ProvinceCampaign
    from groups.models import Household

    if ProvinceCampaign.objects.filter(province=province).exists():
        return
    admin = get_user_model().objects.get(email=PROVINCE_ACCOUNT[0])
    today = timezone.localdate()
    campaign = campaigns.province_campaign_create(
        data=campaigns.ProvinceCampaignData(
            name="Quỹ Vì người nghèo tỉnh Khánh Hòa 2026",
            kind="fund",
            unit="vnd",
            starts_on=today - timedelta(days=10),
            ends_on=today + timedelta(days=50),
            target=300_000_000,
            purpose="Xây và sửa nhà cho hộ nghèo, hộ cận nghèo trước mùa mưa bão.",
        ),
        by=admin,
    )
    rng = random.Random(5)
    for part in Campaign.objects.filter(province_campaign=campaign).select_related("ward"):
        leader = get_user_model().objects.filter(staff_profile__ward=part.ward).first()
        if leader is None:
            continue  # the neighbours have no staff accounts: their share waits for them
        households = Household.objects.filter(group__ward=part.ward).order_by("pk")[:40]
        for n, household in enumerate(households):
            campaigns.entry_record(
                campaign=part,
                data=campaigns.EntryData(
                    household_id=household.pk, amount=rng.choice([100, 200, 500]) * 1000, key=f"demo-province-{n}"
                ),
                by=leader,
            )


def province_account_ensure(province: Province, password: str) -> None:
    email, full_name, role = PROVINCE_ACCOUNT
    user_model = get_user_model()
    user = user_model.objects.filter(email=email).first()
    if user is None:
        first, _space, last = full_name.rpartition(" ")
        user = user_model(username=email, email=email, first_name=first, last_name=last)
        user.set_password(password)
        user.save()
    ProvinceStaff.objects.get_or_create(user=user, defaults={"province": province, "role": role})


def overdue_one(ward: Ward) -> None:
    """One report of the demo's past, left overdue, so the page shows what an officer looks at first."""
    from feedback.models import Report

    first = Report.objects.filter(ward=ward, status__in=Report.OPEN).order_by("pk").first()
    if first is not None:
        Report.objects.filter(pk=first.pk).update(resolve_due_at=timezone.now() - timedelta(days=2))
