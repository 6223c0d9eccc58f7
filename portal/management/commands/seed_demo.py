"""A demo ward like those in shared/DOMAIN.md: 15 residential groups, a few hundred households, three staff logins.

Safe to run twice: the ward is built once (found by its code), the staff accounts are made sure of each time.
"""

import random
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from announcements import services as announcements
from campaigns import services as campaigns
from campaigns.models import Campaign, Meeting
from feedback import services as report_services
from feedback.models import CannedReply, Unit
from groups.models import (
    ChannelKind,
    Household,
    Member,
    Membership,
    Outlet,
    Province,
    ResidentialGroup,
    StaffProfile,
    Ward,
)
from portal.common.phones import phone_search_keys
from portal.common.text import fold
from portal.management import demo_province
from portal.management.demo_names import GIVEN, MIDDLE, ORGANISATIONS, STREETS, SURNAMES
from portal.province.rebuild import figures_rebuild

DEMO_WARD_CODE = "99001"
DEMO_PASSWORD = "KetNoi@2026"
DEMO_ACCOUNTS = [
    ("admin@demo.ketnoiphuong.vn", "Trần Thị Hoa", StaffProfile.Role.WARD_ADMIN),
    ("staff@demo.ketnoiphuong.vn", "Lê Văn Minh", StaffProfile.Role.WARD_STAFF),
    ("leader@demo.ketnoiphuong.vn", "Phạm Quốc Bảo", StaffProfile.Role.GROUP_LEADER),
]


class Command(BaseCommand):
    help = (
        "Load a demo ward with 15 residential groups, households, members and three staff accounts, and its "
        "province with two more wards and the province admin's account."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ward = Ward.objects.filter(code=DEMO_WARD_CODE).first()
        if ward is None:
            ward = self._build_ward()
            self.stdout.write(self.style.SUCCESS(f"Built the demo ward {ward.name}."))
        else:
            self.stdout.write(f"The demo ward {ward.name} already exists; left as it is.")
        self._ensure_accounts(ward)
        self._ensure_announcement(ward)
        self._ensure_reports(ward)
        self._ensure_campaigns(ward)
        self._ensure_meeting(ward)
        neighbours = demo_province.neighbours_build(self, ward.province, DEMO_PASSWORD)
        if neighbours:
            demo_province.overdue_one(neighbours[0])
        demo_province.province_account_ensure(ward.province, DEMO_PASSWORD)
        demo_province.notice_ensure(ward.province)
        demo_province.campaign_ensure(ward.province)
        # The demo's rows were loaded in bulk, not through the services: the province's figures are counted once.
        figures_rebuild(ward_ids=list(Ward.objects.filter(province=ward.province).values_list("pk", flat=True)))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, _name, role in [*DEMO_ACCOUNTS, demo_province.PROVINCE_ACCOUNT]:
            self.stdout.write(f"  {role:<13} {email}")

    @transaction.atomic
    def _build_ward(self) -> Ward:
        rng = random.Random(2026)
        province, _created = Province.objects.get_or_create(code="56", defaults={"name": "Khánh Hòa"})
        ward = Ward.objects.create(name="Phường Ngọc Hiệp (demo)", code=DEMO_WARD_CODE, province=province)
        groups = []
        for number in range(1, 16):
            name = f"Tổ dân phố {number}"
            groups.append(
                ResidentialGroup(
                    ward=ward,
                    name=name,
                    name_folded=fold(name),
                    kind=ResidentialGroup.Kind.TO_DAN_PHO,
                    households_total=rng.randint(28, 60),
                )
            )
        groups = ResidentialGroup.objects.bulk_create(groups)
        ward.households_total = sum(g.households_total for g in groups)
        ward.save(update_fields=["households_total"])
        used_phones: set[str] = set()
        now = timezone.now()
        for index, group in enumerate(groups):
            self._fill_group(ward, group, index, rng, used_phones, now)
        # People who joined and later moved away: their memberships ended but are kept, as history is.
        for index in range(6):
            full_name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            Membership.objects.create(
                member=self._person(ward, full_name, self._new_phone(rng, used_phones), "sms"),
                group=groups[index % 3],
                status=Membership.Status.LEFT,
                source=Membership.Source.STAFF,
                joined_at=now - timedelta(days=400 + 10 * index),
                left_at=now - timedelta(days=30 + 20 * index),
            )
        # The ward police officer and a ward leader sit in every group, as they do in the field.
        for full_name, role in (
            ("Đinh Công Thành", Membership.Role.POLICE),
            ("Mai Thị Lý", Membership.Role.WARD_LEADER),
        ):
            leader = self._person(ward, full_name, self._new_phone(rng, used_phones), "sms")
            Membership.objects.bulk_create(
                [
                    Membership(member=leader, group=g, role=role, status="active", joined_at=now - timedelta(days=600))
                    for g in groups
                ]
            )
        for kind, name, delivery in (
            (ChannelKind.ZALO_OA, "Zalo OA Phường Ngọc Hiệp", Outlet.Mode.PER_MEMBER),
            (ChannelKind.FACEBOOK_PAGE, "Fanpage Phường Ngọc Hiệp", Outlet.Mode.PER_GROUP),
            (ChannelKind.SMS, "SMS brandname", Outlet.Mode.PER_MEMBER),
            (ChannelKind.WEB_FEED, "Trang tin phường", Outlet.Mode.PER_GROUP),
        ):
            Outlet.objects.create(ward=ward, kind=kind, name=name, mode=delivery)
        # Two residents waiting for the leader's approval, as after a poster went up.
        for full_name in ("Châu Thị Kim", "Lương Văn Tài"):
            pending = self._person(ward, full_name, self._new_phone(rng, used_phones), "zalo")
            Membership.objects.create(
                member=pending,
                group=groups[0],
                status=Membership.Status.PENDING,
                source=Membership.Source.SELF_JOIN,
                requested_address=f"{rng.randint(70, 90)} {STREETS[0]}",
            )
        return ward

    def _fill_group(
        self, ward: Ward, group: ResidentialGroup, index: int, rng: random.Random, used_phones: set[str], now: Any
    ) -> None:
        """A group's households and their people (its heads among them), their memberships, and its Zalo group."""
        # Coverage differs between groups, from about a quarter to nearly all households.
        share = 0.25 + 0.7 * ((index * 7) % 15) / 14
        street = STREETS[index]
        households = Household.objects.bulk_create(
            [
                Household(group=group, address=f"{n} {street}", address_folded=fold(f"{n} {street}"))
                for n in range(1, round(group.households_total * share) + 1)
            ]
        )
        members, roles = [], []
        for position, household in enumerate(households):
            for person in range(1 if rng.random() < 0.7 else 2):
                phone = self._new_phone(rng, used_phones)
                full_name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                consent_zalo, consent_sms = rng.random() < 0.75, rng.random() < 0.6
                members.append(
                    Member(
                        ward=ward,
                        full_name=full_name,
                        phone=phone,
                        household=household,
                        consent_zalo=consent_zalo,
                        consent_sms=consent_sms,
                        preferred_channel="zalo" if consent_zalo else "sms" if consent_sms else "",
                        zalo_user_id=str(rng.randint(10**17, 10**18)) if consent_zalo else "",
                        search_text=f"{fold(full_name)} {phone_search_keys(phone)}",
                    )
                )
                role = Membership.Role.HOUSEHOLD_REP if person == 0 else Membership.Role.RESIDENT
                if position == 0 and person == 0:
                    role = Membership.Role.GROUP_HEAD
                elif position == 1 and person == 0:
                    role = Membership.Role.FRONT_HEAD
                elif position == 2 and person == 0:
                    role = Membership.Role.BRANCH_HEAD
                roles.append(role)
        members = Member.objects.bulk_create(members)
        Membership.objects.bulk_create(
            [
                Membership(
                    member=member,
                    group=group,
                    role=role,
                    organisation=ORGANISATIONS[index % 4] if role == Membership.Role.BRANCH_HEAD else "",
                    status=Membership.Status.ACTIVE,
                    source=Membership.Source.IMPORT,
                    # Households joined over the last year and a half, as the groups grew: the ward's
                    # report counts each period's members and coverage from these dates.
                    joined_at=now - timedelta(days=rng.randint(0, 540)),
                )
                for member, role in zip(members, roles, strict=True)
            ]
        )
        Outlet.objects.create(
            ward=ward,
            group=group,
            kind=ChannelKind.ZALO_GROUP,
            name=f"Zalo {group.name}",
            external_id=f"demo-zalo-group-{index + 1}",
            mode=Outlet.Mode.PER_GROUP,
        )

    @staticmethod
    def _person(ward: Ward, full_name: str, phone: str, channel: str) -> Member:
        """A resident outside the households' lists, reached on one channel they agreed to."""
        return Member.objects.create(
            ward=ward,
            full_name=full_name,
            phone=phone,
            consent_sms=channel == "sms",
            consent_zalo=channel == "zalo",
            preferred_channel=channel,
            search_text=f"{fold(full_name)} {phone_search_keys(phone)}",
        )

    def _ensure_announcement(self, ward: Ward) -> None:
        """One announcement on the ward's public page, written by the staff account and approved by the admin."""

        if ward.announcements.exists():
            return
        user_model = get_user_model()
        staff = user_model.objects.get(email=DEMO_ACCOUNTS[1][0])
        admin = user_model.objects.get(email=DEMO_ACCOUNTS[0][0])
        data = announcements.AnnouncementData(
            title="Ngày Chủ nhật xanh: tổng vệ sinh khu dân cư",
            body=(
                "Ủy ban MTTQ phường kính mời bà con tham gia **tổng vệ sinh** vào 7 giờ sáng Chủ nhật tuần này.\n\n"
                "- Mỗi hộ cử một người tham gia\n- Mang theo chổi, bao đựng rác\n\nTrân trọng cảm ơn bà con!"
            ),
            category="campaign",
            whole_ward=True,
            channels=["web_feed"],
        )
        announcement = announcements.announcement_save(user=staff, data=data)
        announcement = announcements.announcement_submit(announcement=announcement, by=staff)
        announcement = announcements.announcement_approve(announcement=announcement, by=admin)  # no time: it goes
        # Published here rather than by the worker, so the public page has it even before the worker starts.
        announcements.announcement_dispatch(announcement_id=announcement.pk)
        while announcements.deliveries_send_batch(announcement_id=announcement.pk, kind="web_feed"):
            pass

    def _ensure_campaigns(self, ward: Ward) -> None:
        """A fund for the poor with entries in most groups, and a clean-up Sunday with the households that came."""

        if Campaign.objects.filter(ward=ward).exists():
            return
        rng = random.Random(11)
        admin = get_user_model().objects.get(email=DEMO_ACCOUNTS[0][0])
        today = timezone.localdate()
        fund = campaigns.campaign_create(
            ward=ward,
            data=campaigns.CampaignData(
                name="Quỹ Vì người nghèo năm 2026",
                kind=Campaign.Kind.FUND,
                unit=Campaign.Unit.VND,
                starts_on=today - timedelta(days=20),
                ends_on=today + timedelta(days=40),
                target=60_000_000,
            ),
            by=admin,
        )
        sunday = campaigns.campaign_create(
            ward=ward,
            data=campaigns.CampaignData(
                name="Ngày Chủ nhật xanh",
                kind=Campaign.Kind.ACTION,
                unit=Campaign.Unit.HOUSEHOLDS,
                starts_on=today - timedelta(days=2),
                ends_on=today + timedelta(days=5),
                target=max(ward.households_total // 2, 1),
            ),
            by=admin,
        )
        receipt = 0
        for group in ward.groups.order_by("pk")[2:]:  # two groups have not started collecting yet
            for household in group.households.order_by("pk"):
                if rng.random() < 0.6:
                    receipt += 1
                    transfer = rng.random() < 0.3
                    campaigns.entry_record(
                        campaign=fund,
                        data=campaigns.EntryData(
                            household_id=household.pk,
                            amount=rng.choice([50_000, 100_000, 100_000, 200_000, 200_000, 500_000]),
                            key=f"demo-fund-{household.pk}",
                            method="transfer" if transfer else "cash",
                            receipt_number=f"BL-{receipt:04d}",
                            name_public=rng.random() < 0.3,
                        ),
                        by=admin,
                    )
                if rng.random() < 0.45:
                    campaigns.entry_record(
                        campaign=sunday,
                        data=campaigns.EntryData(household_id=household.pk, amount=1, key=f"demo-cnx-{household.pk}"),
                        by=admin,
                    )

    def _ensure_meeting(self, ward: Ward) -> None:
        """Last week's meeting of the first two groups, with about two thirds of their members ticked present."""

        if Meeting.objects.filter(ward=ward).exists():
            return
        rng = random.Random(5)
        staff = get_user_model().objects.get(email=DEMO_ACCOUNTS[1][0])
        groups = list(ward.groups.order_by("pk")[:2])
        meeting = campaigns.meeting_create(
            data=campaigns.MeetingData(
                title="Họp tổ dân phố quý IV",
                starts_at=timezone.now() - timedelta(days=6),
                place="Nhà văn hóa tổ dân phố 1",
                agenda="1. Tổng kết công tác năm\n2. Phát động Quỹ Vì người nghèo\n3. Ý kiến của bà con",
                group_ids=[g.pk for g in groups],
            ),
            by=staff,
        )
        present = [
            m.member_id
            for m in campaigns.invitees_for(meeting=meeting, user=staff).order_by("pk")
            if rng.random() < 0.65
        ]
        campaigns.attendance_set(meeting=meeting, member_ids=present, by=staff)

    def _ensure_reports(self, ward: Ward) -> None:
        """Units that handle reports (the ward police receive tips), canned replies, and a few reports."""

        if ward.units.exists():
            return
        user_model = get_user_model()
        staff = user_model.objects.get(email=DEMO_ACCOUNTS[1][0])
        Unit.objects.create(ward=ward, name="Công an phường (CSKV)", kind=Unit.Kind.POLICE, handles_tips=True)
        environment = Unit.objects.create(ward=ward, name="Tổ vệ sinh môi trường", kind=Unit.Kind.ENVIRONMENT)
        Unit.objects.create(ward=ward, name="Văn phòng phường", kind=Unit.Kind.OFFICE, head=staff)
        environment.members.add(staff)
        CannedReply.objects.create(
            ward=ward,
            category="environment",
            title="Đã chuyển tổ vệ sinh",
            text="Phường đã tiếp nhận và chuyển Tổ vệ sinh môi trường xử lý trong tuần này. Cảm ơn bà con đã phản ánh.",
        )
        group = ward.groups.order_by("name").first()
        samples = [
            (
                "environment",
                "Rác thải ở đầu hẻm 12 Trần Phú ba tuần chưa ai thu gom, bốc mùi.",
                "Lê Thị Mai",
                "0905 111 222",
            ),
            ("urban_order", "Quán nhậu số 45 bày bàn ghế kín vỉa hè, người đi bộ phải xuống lòng đường.", "", ""),
            (
                "security",
                "Nhóm thanh niên tụ tập đua xe gây ồn ào lúc 23 giờ ở đường ven sông.",
                "Phan Văn Hùng",
                "0914 333 444",
            ),
        ]
        for category, description, name, phone in samples:
            created, _new = report_services.report_submit(
                ward=ward,
                data=report_services.ReportData(
                    category=category,
                    description=description,
                    group_id=group.pk,
                    name=name,
                    phone=phone,
                    anonymous=not name,
                ),
            )
            if category == "environment":
                report_services.report_assign(report=created, by=staff, unit=environment)

    @staticmethod
    def _new_phone(rng: random.Random, used: set[str]) -> str:
        while True:
            phone = f"+849{rng.choice('0134')}{rng.randint(1000000, 9999999)}"
            if phone not in used:
                used.add(phone)
                return phone

    def _ensure_accounts(self, ward: Ward) -> None:
        user_model = get_user_model()
        for email, full_name, role in DEMO_ACCOUNTS:
            user = user_model.objects.filter(email=email).first()
            if user is None:
                first, _space, last = full_name.rpartition(" ")
                user = user_model(username=email, email=email, first_name=first, last_name=last)
                user.set_password(DEMO_PASSWORD)
                user.save()
            profile, _created = StaffProfile.objects.get_or_create(user=user, defaults={"ward": ward, "role": role})
            if role == StaffProfile.Role.GROUP_LEADER:
                profile.groups.set(ward.groups.filter(name__in=["Tổ dân phố 1", "Tổ dân phố 2"]))
