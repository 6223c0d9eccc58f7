from rest_framework import serializers

from feedback.models import Category, Report, ReportEvent
from feedback.services import allowed_actions, next_statuses
from portal.api.fields import id_field


class ReportSerializer(serializers.ModelSerializer):
    group = serializers.CharField(source="group.name", default=None, allow_null=True, read_only=True)
    unit = serializers.CharField(source="unit.name", default=None, allow_null=True, read_only=True)
    reporter = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField(
        help_text="What the caller may do with it now: status, assign, priority, reply."
    )
    next_statuses = serializers.SerializerMethodField(help_text="The statuses it can be moved to from where it is.")

    class Meta:
        model = Report
        fields = [
            "id",
            "tracking_code",
            "category",
            "description",
            "address",
            "latitude",
            "longitude",
            "group",
            "status",
            "status_reason",
            "priority",
            "source",
            "unit",
            "is_confidential",
            "is_public",
            "resolution",
            "accept_due_at",
            "resolve_due_at",
            "first_response_at",
            "resolved_at",
            "rating",
            "created_at",
            "updated_at",
            "reporter",
            "allowed_actions",
            "next_statuses",
        ]
        read_only_fields = fields

    def get_allowed_actions(self, obj: Report) -> list[str]:
        user = self.context.get("user")
        return sorted(allowed_actions(user=user, report=obj)) if user else []

    def get_next_statuses(self, obj: Report) -> list[str]:
        return next_statuses(obj)

    def get_reporter(self, obj: Report) -> dict | None:
        # Only where the caller may see it, and never for a tip: a tip's reporter is seen in the portal page,
        # where each look is a deliberate, logged act.
        if not self.context.get("may_see_reporter") or obj.is_confidential or obj.is_anonymous:
            return None
        return {"name": obj.reporter_name, "phone": obj.reporter_phone, "email": obj.reporter_email}


class QueueQuerySerializer(serializers.Serializer):
    """The queue's filters, as the list reads them; an unknown value is a 400, not quietly ignored."""

    # An empty value is the default, as in a form: "status=" is the open reports.
    status = serializers.ChoiceField(choices=["", "open", *Report.Status.values], default="open", allow_blank=True)
    category = serializers.ChoiceField(choices=["", *Category.values], default="", allow_blank=True)
    q = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    # Words, not a boolean: an empty value is the default here too ("overdue=" is every report), which a boolean
    # in the schema would forbid while the list accepted it.
    overdue = serializers.ChoiceField(
        choices=["", "true", "false"], default="", allow_blank=True, help_text="true: only reports past their deadline."
    )
    sort = serializers.ChoiceField(choices=["", "new", "old", "due"], default="new", allow_blank=True)
    after = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="The next_cursor of the previous page."
    )


class ReportPageSerializer(serializers.Serializer):
    """One page of the queue: keyset pagination, so there is no count, only the cursor of the next page."""

    results = ReportSerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True, help_text="Pass as `after` for the next page; null at the end."
    )


class ReportEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.email", default=None, allow_null=True, read_only=True)
    # Empty for an event that is not a change of status (a note, a reply): the schema must say "" may come.
    from_status = serializers.ChoiceField(choices=Report.Status.choices, allow_blank=True, read_only=True)
    to_status = serializers.ChoiceField(choices=Report.Status.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ReportEvent
        fields = ["id", "kind", "is_public", "text", "from_status", "to_status", "actor", "created_at"]
        read_only_fields = fields


class ReportCreateSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField(max_length=5000)
    source = serializers.ChoiceField(choices=[c for c in Report.Source.choices if c[0] != "open311"])
    group_id = id_field(required=False, allow_null=True, default=None)
    address = serializers.CharField(required=False, allow_blank=True, default="")
    name = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    email = serializers.CharField(required=False, allow_blank=True, default="")
    public = serializers.BooleanField(default=True)


class StatusSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Report.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    text = serializers.CharField(required=False, allow_blank=True, default="")
    duplicate_of = serializers.CharField(required=False, allow_blank=True, default="")


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    public = serializers.BooleanField(default=False)


class AssignSerializer(serializers.Serializer):
    unit = id_field(allow_null=True)


class NumbersSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    valid = serializers.IntegerField()
    answered = serializers.IntegerField()
    resolved = serializers.IntegerField()
    resolved_in_time = serializers.IntegerField()
    median_first_response_h = serializers.FloatField(allow_null=True)
    median_resolution_h = serializers.FloatField(allow_null=True)
