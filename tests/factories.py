import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from groups.models import (
    Household,
    Member,
    Membership,
    Province,
    ProvinceStaff,
    ResidentialGroup,
    StaffProfile,
    Ward,
)
from portal.common.phones import phone_search_keys
from portal.common.text import fold

PASSWORD = "Mat-khau-thu-123"


class ProvinceFactory(factory.django.DjangoModelFactory):
    """Khánh Hòa unless told: most tests' wards share one province, as the wards of one server do."""

    class Meta:
        model = Province
        django_get_or_create = ("code",)

    name = "Khánh Hòa"
    code = "56"


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward

    name = factory.Sequence(lambda n: f"Phường Thử {n}")
    code = factory.Sequence(lambda n: f"{10000 + n}")
    province = factory.SubFactory(ProvinceFactory)
    households_total = 500


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentialGroup

    ward = factory.SubFactory(WardFactory)
    name = factory.Sequence(lambda n: f"Tổ dân phố {n}")
    name_folded = factory.LazyAttribute(lambda g: fold(g.name))
    households_total = 10


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    group = factory.SubFactory(GroupFactory)
    address = factory.Sequence(lambda n: f"{n} Trần Phú")
    address_folded = factory.LazyAttribute(lambda h: fold(h.address))


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    ward = factory.SubFactory(WardFactory)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    phone = factory.Sequence(lambda n: f"+8491{n:07d}")
    consent_sms = True
    preferred_channel = "sms"
    search_text = factory.LazyAttribute(lambda m: f"{fold(m.full_name)} {phone_search_keys(m.phone)}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(MemberFactory)
    group = factory.SubFactory(GroupFactory)
    status = Membership.Status.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)


def member_in(group: ResidentialGroup, *, household: Household | None = None, **kwargs) -> Member:
    """A member with an active membership in `group` (and optionally living in `household`)."""
    member = MemberFactory(ward=group.ward, household=household, **kwargs)
    MembershipFactory(member=member, group=group)
    return member


def staff_user(email: str, *, ward: Ward, role: str, groups: list[ResidentialGroup] | None = None):
    user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)
    profile = StaffProfile.objects.create(user=user, ward=ward, role=role)
    if groups:
        profile.groups.set(groups)
    return user


def province_user(email: str, *, province: Province, role: str = ProvinceStaff.Role.ADMIN):
    user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)
    ProvinceStaff.objects.create(user=user, province=province, role=role)
    return user


def send_personal() -> None:
    """What the worker does with queued personal messages (a report's code, a confirmation request, a staff mail),
    in this process: send every batch that can be claimed now."""
    from announcements import services

    for kind in services.PERSONAL_KINDS:
        while services.deliveries_send_batch(announcement_id=None, kind=kind):
            pass
