"""The province's figures in the API: what its page shows, for a province admin or viewer, as JSON. A bad sort,
order or threshold is a 400 naming the parameter, not a guess."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from announcements import services as announcement_services
from announcements.models import Announcement, ProvinceAnnouncement
from announcements.selectors import province_announcements, province_progress
from groups.access import IsProvinceStaff
from groups.models import Ward
from groups.selectors import province_staff_of
from portal.province.figures import COLUMNS, province_figures, ward_of_province, wards_filtered, wards_sorted


class CampaignShareSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount = serializers.IntegerField()
    target = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class WardFiguresSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    households_declared = serializers.IntegerField(source="declared")
    households_covered = serializers.IntegerField(source="covered")
    coverage_percent = serializers.FloatField(source="coverage", allow_null=True)
    covered_change_this_month = serializers.IntegerField(source="covered_change")
    week_audience_households = serializers.IntegerField(source="audience")
    week_reached_by_channel = serializers.IntegerField(source="by_channel")
    week_told_in_person = serializers.IntegerField(source="told")
    week_heard_on_loudspeaker = serializers.IntegerField(source="loudspeaker")
    week_reach_percent = serializers.FloatField(source="reach", allow_null=True)
    reports_received = serializers.IntegerField(source="received")
    reports_answered = serializers.IntegerField(source="answered")
    reports_resolved = serializers.IntegerField(source="resolved")
    reports_resolved_in_time = serializers.IntegerField(source="in_time")
    reports_overdue = serializers.IntegerField(source="overdue")
    meetings = serializers.IntegerField()
    attendance = serializers.IntegerField()
    campaigns = CampaignShareSerializer(many=True)
    campaigns_percent = serializers.FloatField(source="campaign", allow_null=True)


class ProvinceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    month_start = serializers.DateField()
    week_start = serializers.DateField()
    totals = WardFiguresSerializer()
    wards = WardFiguresSerializer(many=True)


def _query(request: Request) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    sort = request.query_params.get("sort", "coverage")
    if sort not in COLUMNS:
        errors["sort"] = [f"One of: {', '.join(COLUMNS)}."]
    order = request.query_params.get("order", "")
    if order not in {"", "asc", "desc"}:
        errors["order"] = ["asc, desc, or empty for worst first."]
    below_text = request.query_params.get("below", "")
    below = None
    if below_text:
        if not below_text.isdigit() or not 0 < int(below_text) <= 100:
            errors["below"] = ["A whole number of per cent, 1 to 100."]
        else:
            below = int(below_text)
    overdue = request.query_params.get("overdue", "")
    if overdue not in {"", "true", "false"}:
        errors["overdue"] = ["true, false, or empty."]
    if errors:
        raise ValidationError(errors)
    return {
        "column": sort,
        "ascending": {"asc": True, "desc": False}.get(order),
        "query": request.query_params.get("q", "")[:100],
        "overdue": overdue == "true",
        "below": below,
    }


PARAMETERS = [
    OpenApiParameter("sort", str, enum=list(COLUMNS), description="The column; worst first unless `order` says."),
    OpenApiParameter("order", str, enum=["asc", "desc"]),
    OpenApiParameter("q", str, description="Words of the ward's name or code, with or without accents."),
    OpenApiParameter("overdue", bool, description="Only wards with reports overdue now."),
    OpenApiParameter("below", int, description="Only wards whose coverage is under this per cent."),
]


class ProvinceView(APIView):
    """Every ward of the caller's province with its figures (counts and percentages only), and the totals."""

    permission_classes = [IsProvinceStaff]

    @extend_schema(parameters=PARAMETERS, responses=ProvinceSerializer)
    def get(self, request: Request) -> Response:
        query = _query(request)
        staff = province_staff_of(request.user)
        figures = province_figures(province=staff.province)
        wards = wards_filtered(figures.wards, query=query["query"], overdue=query["overdue"], below=query["below"])
        shown = wards_sorted(wards, column=query["column"], ascending=query["ascending"])
        return Response(
            ProvinceSerializer(
                {
                    "code": staff.province.code,
                    "name": staff.province.name,
                    "month_start": figures.month_start,
                    "week_start": figures.week_start,
                    "totals": figures.total,
                    "wards": shown,
                }
            ).data
        )


class ProvinceWardView(APIView):
    """One ward of the caller's province with its figures; a ward of another province is not found."""

    permission_classes = [IsProvinceStaff]

    @extend_schema(responses=WardFiguresSerializer)
    def get(self, request: Request, code: str) -> Response:
        staff = province_staff_of(request.user)
        ward = ward_of_province(province=staff.province, code=code[:10])
        if ward is None:
            raise NotFound("No such ward in your province.")
        line = province_figures(province=staff.province, ward_ids=[ward.pk]).wards[0]
        return Response(WardFiguresSerializer(line).data)


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


def _refused(error: DjangoValidationError) -> ValidationError:
    return ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


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
        staff = province_staff_of(request.user)
        if not staff.is_admin:
            raise PermissionDenied("Only a province admin can write the province's announcements.")
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
            raise _refused(error) from None
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
        if not province_staff_of(request.user).is_admin:
            raise PermissionDenied("Only a province admin can send the province's announcements.")
        try:
            announcement_services.province_announcement_send(notice=notice, by=request.user)
        except DjangoValidationError as error:
            raise _refused(error) from None
        notice.refresh_from_db()
        return Response(NoticeDetailSerializer(notice).data)
