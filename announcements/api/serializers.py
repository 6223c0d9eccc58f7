from rest_framework import serializers

from announcements.models import Announcement
from announcements.services import ALL_KINDS, allowed_actions
from groups.models import Membership
from portal.api.fields import id_field


class AnnouncementSerializer(serializers.ModelSerializer):
    group_ids = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.email", read_only=True)
    approved_by = serializers.CharField(source="approved_by.email", read_only=True, default=None, allow_null=True)
    allowed_actions = serializers.SerializerMethodField(
        help_text="What the caller may do with it now, as the services' table says: edit, submit, approve, reject, "
        "schedule, send, cancel, correct, retry, remove-file."
    )

    class Meta:
        model = Announcement
        fields = [
            "id",
            "title",
            "body",
            "body_html",
            "category",
            "urgency",
            "whole_ward",
            "group_ids",
            "roles",
            "channels",
            "sms_unaccented",
            "action",
            "meeting_at",
            "meeting_place",
            "poll_question",
            "poll_options",
            "status",
            "scheduled_at",
            "corrects",
            "created_by",
            "approved_by",
            "approved_at",
            "send_started_at",
            "sent_at",
            "deliveries_removed_on",
            "rejection_note",
            "created_at",
            "updated_at",
            "allowed_actions",
        ]
        read_only_fields = fields

    def get_group_ids(self, obj: Announcement) -> list[int]:
        return [g.pk for g in obj.groups.all()]

    def get_allowed_actions(self, obj: Announcement) -> list[str]:
        request = self.context.get("request")
        return sorted(allowed_actions(user=request.user, announcement=obj)) if request else []


class AnnouncementWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    category = serializers.ChoiceField(choices=Announcement.Category.choices, default=Announcement.Category.OTHER)
    urgency = serializers.ChoiceField(choices=Announcement.Urgency.choices, default=Announcement.Urgency.ROUTINE)
    whole_ward = serializers.BooleanField(default=False)
    group_ids = serializers.ListField(child=id_field(), default=list)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Membership.Role.choices), default=list)
    channels = serializers.ListField(child=serializers.ChoiceField(choices=ALL_KINDS), allow_empty=False)
    sms_unaccented = serializers.BooleanField(default=True)
    action = serializers.ChoiceField(choices=Announcement.Action.choices, default=Announcement.Action.NONE)
    meeting_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    meeting_place = serializers.CharField(required=False, allow_blank=True, default="")
    poll_question = serializers.CharField(required=False, allow_blank=True, default="")
    poll_options = serializers.ListField(child=serializers.CharField(max_length=200), default=list)
    scheduled_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class RejectSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500)


class ScheduleSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField()


class ChannelStatsSerializer(serializers.Serializer):
    queued = serializers.IntegerField()
    sending = serializers.IntegerField()
    sent = serializers.IntegerField()
    delivered = serializers.IntegerField()
    failed = serializers.IntegerField()
    skipped = serializers.IntegerField()


class DeliveryStatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = ChannelStatsSerializer()
    by_channel = serializers.DictField(child=ChannelStatsSerializer())
    skipped_reasons = serializers.DictField(child=serializers.IntegerField())
    reached_households = serializers.IntegerField(help_text="By a channel.")
    told_households = serializers.IntegerField(help_text="Told in person by a leader, not reached by a channel.")
    loudspeaker_households = serializers.IntegerField(help_text="Heard on the loudspeaker, not reached by a channel.")
    reach_total = serializers.IntegerField(help_text="By a channel, in person or by the loudspeaker.")
    audience_households = serializers.IntegerField()
    reach_percent = serializers.FloatField()
    confirmations = serializers.IntegerField()
    rsvp = serializers.DictField(child=serializers.IntegerField())
    poll = serializers.DictField(child=serializers.IntegerField())
    done = serializers.BooleanField()
