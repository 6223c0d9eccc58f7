from rest_framework import serializers

from feedback.models import Category, Feedback, FeedbackEvent


class FeedbackSerializer(serializers.ModelSerializer):
    group = serializers.CharField(source="group.name", default=None, read_only=True)
    unit = serializers.CharField(source="unit.name", default=None, read_only=True)
    reporter = serializers.SerializerMethodField()

    class Meta:
        model = Feedback
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
        ]
        read_only_fields = fields

    def get_reporter(self, obj: Feedback) -> dict | None:
        # Only where the caller may see it, and never for a tip: a tip's reporter is seen in the portal page,
        # where each look is a deliberate, logged act.
        if not self.context.get("may_see_reporter") or obj.is_confidential or obj.is_anonymous:
            return None
        return {"name": obj.reporter_name, "phone": obj.reporter_phone, "email": obj.reporter_email}


class FeedbackEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.email", default=None, read_only=True)

    class Meta:
        model = FeedbackEvent
        fields = ["id", "kind", "is_public", "text", "from_status", "to_status", "actor", "created_at"]
        read_only_fields = fields


class FeedbackCreateSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField(max_length=5000)
    source = serializers.ChoiceField(choices=[c for c in Feedback.Source.choices if c[0] != "open311"])
    group_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    address = serializers.CharField(required=False, allow_blank=True, default="")
    name = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    email = serializers.CharField(required=False, allow_blank=True, default="")
    public = serializers.BooleanField(default=True)


class StatusSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Feedback.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    text = serializers.CharField(required=False, allow_blank=True, default="")
    duplicate_of = serializers.CharField(required=False, allow_blank=True, default="")


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    public = serializers.BooleanField(default=False)


class AssignSerializer(serializers.Serializer):
    unit = serializers.IntegerField(allow_null=True)


class NumbersSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    valid = serializers.IntegerField()
    answered = serializers.IntegerField()
    resolved = serializers.IntegerField()
    resolved_in_time = serializers.IntegerField()
    median_first_response_h = serializers.FloatField(allow_null=True)
    median_resolution_h = serializers.FloatField(allow_null=True)
