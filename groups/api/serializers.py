"""Shapes of the API. Serializers check types; the rules and the writes are in groups.services."""

from typing import Any

from rest_framework import serializers

from groups.models import ContactChannel, Household, Member, Membership, ResidentialGroup, Ward
from groups.services import MemberData
from portal.api.fields import id_field


class WardSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.name", read_only=True)

    class Meta:
        model = Ward
        fields = ["id", "name", "code", "province", "households_total"]


class GroupSerializer(serializers.ModelSerializer):
    households_covered = serializers.IntegerField(read_only=True)
    members_active = serializers.IntegerField(read_only=True)
    coverage_percent = serializers.SerializerMethodField()

    class Meta:
        model = ResidentialGroup
        fields = [
            "id",
            "ward",
            "kind",
            "name",
            "households_total",
            "households_covered",
            "members_active",
            "coverage_percent",
            "facebook_group_url",
            "is_active",
        ]
        read_only_fields = ["ward", "is_active"]

    def get_coverage_percent(self, group: ResidentialGroup) -> float | None:
        covered = getattr(group, "households_covered", None)
        if covered is None or not group.households_total:
            return None
        return round(100.0 * covered / group.households_total, 1)


class GroupWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=ResidentialGroup.Kind.choices)
    households_total = serializers.IntegerField(min_value=0, max_value=100000)
    facebook_group_url = serializers.URLField(required=False, allow_blank=True, default="")


class HouseholdSerializer(serializers.ModelSerializer):
    class Meta:
        model = Household
        fields = ["id", "group", "address", "head"]


class MembershipBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "group", "role", "organisation", "status", "joined_at", "left_at"]


class MemberSerializer(serializers.ModelSerializer):
    memberships = MembershipBriefSerializer(many=True, read_only=True)
    address = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = [
            "id",
            "ward",
            "full_name",
            "phone",
            "email",
            "zalo_user_id",
            "household",
            "address",
            "consent_sms",
            "consent_zalo",
            "consent_email",
            "preferred_channel",
            "memberships",
            "updated_at",
        ]

    def get_address(self, member: Member) -> str:
        return member.household.address if member.household else ""


class MemberFieldsSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=30)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    zalo_user_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    consent_sms = serializers.BooleanField(required=False, default=False)
    consent_zalo = serializers.BooleanField(required=False, default=False)
    consent_email = serializers.BooleanField(required=False, default=False)
    preferred_channel = serializers.ChoiceField(
        choices=[("", "")] + list(ContactChannel.choices), required=False, allow_blank=True, default=""
    )


class MemberCreateSerializer(MemberFieldsSerializer):
    group = id_field(help_text="The residential group the new member joins.")
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.RESIDENT)
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MemberUpdateSerializer(MemberFieldsSerializer):
    updated_at = serializers.DateTimeField(
        required=False, help_text="The member's updated_at as you read it; a newer one means someone else changed it."
    )


class MembershipSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "member",
            "member_name",
            "group",
            "role",
            "organisation",
            "status",
            "source",
            "joined_at",
            "left_at",
            "created_at",
        ]


class MembershipCreateSerializer(serializers.Serializer):
    member = id_field()
    group = id_field()
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.RESIDENT)
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MembershipRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MembershipMoveSerializer(serializers.Serializer):
    group = id_field()
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


def member_data_from(validated: dict[str, Any]) -> Any:
    return MemberData(
        **{k: validated[k] for k in MemberFieldsSerializer().fields if k in validated}  # type: ignore[arg-type]
    )


class MemberRequestSerializer(serializers.Serializer):
    """The answer when the phone belongs to a resident of another group: a request, and no identity."""

    detail = serializers.CharField()
    membership = serializers.IntegerField()
    status = serializers.CharField()
