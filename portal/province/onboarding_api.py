"""A new ward from a sheet, in the API: its admin sends the sheet (multipart) with the ward's name and code and
reads every row checked; then commits it. The same service, the same checks, as the page."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from groups.access import IsProvinceStaff
from groups.models import WardOnboarding
from groups.selectors import onboarding_of
from groups.services import onboarding
from portal.common.sheets import upload_read
from portal.province.api import admin_of, api_error


class OnboardingWriteSerializer(serializers.Serializer):
    ward_name = serializers.CharField(max_length=200)
    ward_code = serializers.CharField(max_length=10)
    file = serializers.FileField()


class OnboardingSerializer(serializers.ModelSerializer):
    groups = serializers.SerializerMethodField()
    people = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()
    ward_created = serializers.SerializerMethodField()

    class Meta:
        model = WardOnboarding
        fields = ["id", "ward_name", "ward_code", "status", "groups", "people", "errors", "ward_created"]

    def get_groups(self, item: WardOnboarding) -> int:
        return len((item.rows or {}).get("groups", []))

    def get_people(self, item: WardOnboarding) -> int:
        return len((item.rows or {}).get("people", []))

    def get_errors(self, item: WardOnboarding) -> list[dict]:
        return [{"row": e["line"], "text": e["text"]} for e in (item.rows or {}).get("errors", [])]

    def get_ward_created(self, item: WardOnboarding) -> str | None:
        return item.ward.code if item.ward_id else None


class OnboardingsView(APIView):
    """Check a new ward's sheet (its admin): every row, with what is wrong; nothing is created yet."""

    permission_classes = [IsProvinceStaff]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": OnboardingWriteSerializer}, responses={201: OnboardingSerializer})
    def post(self, request: Request) -> Response:
        admin_of(request)
        data = OnboardingWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            name, content = upload_read(data.validated_data["file"])
            item = onboarding.onboarding_preview(
                by=request.user,
                ward_name=data.validated_data["ward_name"],
                ward_code=data.validated_data["ward_code"],
                name=name,
                content=content,
            )
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):
                raise api_error(error) from None
            raise ValidationError({"file": error.messages}) from None
        return Response(OnboardingSerializer(item).data, status=201)


class OnboardingCommitView(APIView):
    """Create the ward from a sheet with no row wrong: all of it, or nothing."""

    permission_classes = [IsProvinceStaff]

    @extend_schema(request=None, responses=OnboardingSerializer)
    def post(self, request: Request, pk: int) -> Response:
        staff = admin_of(request)
        item = onboarding_of(province_id=staff.province_id, pk=pk)
        if item is None:
            raise NotFound("No such sheet of your province.")
        try:
            onboarding.onboarding_commit(onboarding=item, by=request.user)
        except DjangoValidationError as error:
            raise api_error(error) from None
        item.refresh_from_db()
        return Response(OnboardingSerializer(item).data)
