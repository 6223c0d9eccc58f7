"""A province's announcements in the API: its admin writes and sends them, its viewer follows each ward's
progress."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from announcements import services as announcement_services
from announcements.models import Announcement, ProvinceAnnouncement
from announcements.selectors import province_announcements, province_progress
from groups.access import IsProvinceStaff
from groups.models import Ward
from groups.selectors import province_staff_of
from portal.province.api import admin_of, api_error


class WardProgressSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    batches = serializers.IntegerField()
    batches_done = serializers.IntegerField()
    people_waiting = serializers.IntegerField()
    sent_percent = serializers.FloatField(source="percent", allow_null=True)
    audience_households = serializers.IntegerField(source="audience")
    reached_households = serializers.IntegerField(source="reached")
    reach_percent = serializers.FloatField(source="reach", allow_null=True)


class NoticeSerializer(serializers.ModelSerializer):
    ward_codes = serializers.SerializerMethodField()

    class Meta:
        model = ProvinceAnnouncement
        fields = [
            "id",
            "title",
            "body",
            "category",
            "urgency",
            "channels",
            "ward_codes",
            "status",
            "created_at",
            "sent_at",
        ]

    def get_ward_codes(self, notice: ProvinceAnnouncement) -> list[str]:
        return [w.code for w in notice.wards.all()]


class NoticeDetailSerializer(NoticeSerializer):
    progress = serializers.SerializerMethodField()

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "progress"]

    @extend_schema_field(WardProgressSerializer(many=True))
    def get_progress(self, notice: ProvinceAnnouncement) -> list[dict]:
        return WardProgressSerializer(province_progress(notice=notice), many=True).data


class NoticeWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    category = serializers.ChoiceField(choices=Announcement.Category.choices, default="other")
    urgency = serializers.ChoiceField(choices=Announcement.Urgency.choices, default="routine")
    channels = serializers.ListField(child=serializers.CharField(max_length=20), max_length=10)
    ward_codes = serializers.ListField(child=serializers.CharField(max_length=10), required=False, max_length=500)


def _notice(request: Request, pk: int) -> ProvinceAnnouncement:
    staff = province_staff_of(request.user)
    notice = ProvinceAnnouncement.objects.filter(province=staff.province, pk=pk).first()
    if notice is None:
        raise NotFound("No such announcement of your province.")
    return notice


class NoticesView(APIView):
    """The province's announcements (GET, its admin and viewer); a new draft (POST, its admin): nothing is sent
    until `send`."""

    permission_classes = [IsProvinceStaff]

    @extend_schema(responses=NoticeSerializer(many=True))
    def get(self, request: Request) -> Response:
        staff = province_staff_of(request.user)
        notices = province_announcements(province=staff.province).prefetch_related("wards")[:100]
        return Response(NoticeSerializer(notices, many=True).data)

    @extend_schema(request=NoticeWriteSerializer, responses={201: NoticeSerializer})
    def post(self, request: Request) -> Response:
        staff = admin_of(request)
        data = NoticeWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        codes = values.pop("ward_codes", [])
        ids = dict(Ward.objects.filter(province=staff.province, code__in=codes).values_list("code", "pk"))
        unknown = [code for code in codes if code not in ids]
        if unknown:
            raise ValidationError({"ward_codes": [f"Not a ward of your province: {', '.join(unknown[:10])}."]})
        try:
            notice = announcement_services.province_announcement_save(
                user=request.user, data=announcement_services.ProvinceNoticeData(**values, ward_ids=list(ids.values()))
            )
        except DjangoValidationError as error:
            raise api_error(error) from None
        return Response(NoticeSerializer(notice).data, status=201)


class NoticeView(APIView):
    """One of the province's announcements, with each ward's progress once sent."""

    permission_classes = [IsProvinceStaff]

    @extend_schema(responses=NoticeDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(NoticeDetailSerializer(_notice(request, pk)).data)


class NoticeSendView(APIView):
    """Send a draft now: one announcement in each ward chosen (every ward when none was)."""

    permission_classes = [IsProvinceStaff]

    @extend_schema(request=None, responses=NoticeDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        notice = _notice(request, pk)
        admin_of(request)
        try:
            announcement_services.province_announcement_send(notice=notice, by=request.user)
        except DjangoValidationError as error:
            raise api_error(error) from None
        notice.refresh_from_db()
        return Response(NoticeDetailSerializer(notice).data)
