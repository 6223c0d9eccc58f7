"""The province's figures in the API: what its page shows, for a province admin or viewer, as JSON. A bad sort,
order or threshold is a 400 naming the parameter, not a guess."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from groups.access import IsProvinceStaff
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


def api_error(error: DjangoValidationError) -> ValidationError:
    """A service's refusal as the API's 400, keyed by the fields it names."""
    return ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


def admin_of(request: Request) -> Any:
    """The caller's province role if they are its admin; a viewer, who writes nothing, is refused."""
    staff = province_staff_of(request.user)
    if not staff.is_admin:
        raise PermissionDenied("Only a province admin can do this.")
    return staff
