import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.models import Campaign, Entry
from campaigns.services.entries import MAX_FUND_AMOUNT
from campaigns.services.setup import MAX_TARGET
from portal.api.fields import TextField, WholeNumberField, id_field


class CampaignSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(read_only=True)
    amount = serializers.IntegerField(read_only=True, help_text="The ward's running total, in the campaign's unit.")
    percent = serializers.FloatField(read_only=True, allow_null=True, help_text="Of the ward target.")

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "kind",
            "unit",
            "unit_label",
            "unit_name",
            "starts_on",
            "ends_on",
            "target",
            "status",
            "amount",
            "percent",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema_field(
    {
        "type": "object",
        "propertyNames": {"type": "string", "pattern": "^[1-9][0-9]{0,17}$"},
        "additionalProperties": {"type": "integer", "minimum": 0, "maximum": MAX_TARGET},
        "description": "Group id (a whole number, as a JSON object's key) → its target.",
    }
)
class GroupTargetsField(serializers.DictField):
    pass


class CampaignWriteSerializer(serializers.Serializer):
    name = TextField(max_length=200)
    kind = serializers.ChoiceField(choices=Campaign.Kind.choices)
    unit = serializers.ChoiceField(choices=Campaign.Unit.choices)
    unit_label = TextField(max_length=40, required=False, allow_blank=True, default="")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    target = WholeNumberField(min_value=1, max_value=MAX_TARGET)
    group_targets = GroupTargetsField(
        child=WholeNumberField(min_value=0, max_value=MAX_TARGET),
        required=False,
        default=dict,
        help_text="Group id → its target; the groups left out share the ward target by their declared households.",
    )

    def validate_group_targets(self, value: dict) -> dict[int, int]:
        if not all(re.fullmatch(r"[1-9][0-9]{0,17}", key) for key in value):
            raise serializers.ValidationError("Group ids are whole numbers.")
        return {int(key): amount for key, amount in value.items()}


class GroupProgressSerializer(serializers.Serializer):
    group_id = serializers.IntegerField()
    name = TextField()
    households_total = serializers.IntegerField()
    target = serializers.IntegerField()
    amount = serializers.IntegerField()
    entries = serializers.IntegerField()
    households = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    coverage = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True, help_text="Only groups of at least 10 declared households.")


class ProgressSerializer(serializers.Serializer):
    target = serializers.IntegerField()
    amount = serializers.IntegerField()
    entries = serializers.IntegerField()
    households = serializers.IntegerField()
    households_total = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    coverage = serializers.FloatField(allow_null=True)
    groups = GroupProgressSerializer(many=True)


class DaySerializer(serializers.Serializer):
    day = serializers.DateField()
    amount = serializers.IntegerField()
    entries = serializers.IntegerField()


class PublicEntrySerializer(serializers.Serializer):
    day = serializers.DateField()
    amount = serializers.IntegerField()
    name = TextField(help_text="Empty unless the household agreed to be named.")
    group = TextField()


class PublicCampaignSerializer(serializers.Serializer):
    campaign = CampaignSerializer()
    ward = TextField()
    progress = ProgressSerializer()
    days = DaySerializer(many=True)
    entries = PublicEntrySerializer(many=True)


class EntrySerializer(serializers.ModelSerializer):
    recorded_by = serializers.EmailField(source="recorded_by.email", read_only=True)

    class Meta:
        model = Entry
        fields = [
            "id",
            "group",
            "household",
            "amount",
            "method",
            "receipt_number",
            "name_public",
            "reverses",
            "reason",
            "key",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class EntryWriteSerializer(serializers.Serializer):
    household = id_field()
    amount = WholeNumberField(
        required=False,
        allow_null=True,
        default=None,
        min_value=-MAX_FUND_AMOUNT * 10,
        max_value=MAX_FUND_AMOUNT * 10,
        help_text="In the campaign's unit (đồng for a fund), required for a fund; ignored for a count of "
        "households; people of the household for a day of action (1 when left out). A JSON number, or a string of "
        "ASCII digits.",
    )
    key = serializers.RegexField(
        r"^[A-Za-z0-9_-]{1,64}$",
        max_length=64,
        help_text="The client's own key (letters, digits, - and _): the same entry sent again with it by the same "
        "person is recorded once. Keys are scoped to their author.",
    )
    method = serializers.ChoiceField(choices=["cash", "transfer", ""], required=False, default="")
    receipt_number = TextField(max_length=40, required=False, allow_blank=True, default="")
    name_public = serializers.BooleanField(required=False, default=False)


class ReverseSerializer(serializers.Serializer):
    reason = TextField(max_length=300)
    key = serializers.RegexField(
        r"^[A-Za-z0-9_-]{0,64}$",
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="The client's own key: the same correction sent again with it is made once.",
    )


class GroupAttendanceSerializer(serializers.Serializer):
    group_id = serializers.IntegerField()
    name = serializers.CharField()
    invited = serializers.IntegerField()
    attended = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class MeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    place = serializers.CharField()
    agenda = serializers.CharField()
    whole_ward = serializers.BooleanField()
    announcement = serializers.IntegerField(source="announcement_id", allow_null=True)
    has_minutes = serializers.BooleanField()
    attendance = GroupAttendanceSerializer(many=True)


class MeetingWriteSerializer(serializers.Serializer):
    title = TextField(max_length=200)
    starts_at = serializers.DateTimeField()
    place = TextField(max_length=300)
    agenda = TextField(max_length=5000, required=False, allow_blank=True, default="")
    whole_ward = serializers.BooleanField(required=False, default=False)
    group_ids = serializers.ListField(child=id_field(), required=False, default=list, max_length=2000)


class InviteeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The member.")
    name = serializers.CharField()
    group = serializers.CharField()
    how = serializers.ChoiceField(choices=["", "tick", "qr"], help_text="Empty: not (yet) present.")


class AttendanceWriteSerializer(serializers.Serializer):
    member_ids = serializers.ListField(
        child=id_field(), max_length=5000, help_text="Everyone present among the people you may tick."
    )


class AttendanceResultSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    removed = serializers.IntegerField()


class ScanSerializer(serializers.Serializer):
    token = TextField(max_length=400, help_text="What the resident's personal QR code holds.")


class ScanResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    new = serializers.BooleanField(help_text="False when the person was already marked present.")
