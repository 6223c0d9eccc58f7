"""The province's report in the API: its admin asks for one (period, format, signing) and follows the job until
its file is ready, then downloads it from the page's link with the same session or token."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from groups.access import IsProvinceStaff
from portal.models import WardReportJob
from portal.province.api import admin_of, api_error
from portal.province.report_jobs import province_report_job, province_report_request
from portal.ward_report.document import TITLES
from portal.ward_report.jobs import ReportAsk


class ReportAskSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    format = serializers.ChoiceField(choices=WardReportJob.Format.choices)
    number = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    place = serializers.CharField(max_length=80, required=False, default="", allow_blank=True)
    signer = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
    signer_title = serializers.ChoiceField(choices=TITLES, required=False, default=TITLES[0])
    recipients = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ReportJobSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = WardReportJob
        fields = ["id", "start", "end", "format", "status", "progress", "error", "download"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download(self, job: WardReportJob) -> str | None:
        if job.status != WardReportJob.Status.DONE:
            return None
        return reverse("province_report_download", kwargs={"pk": job.pk})


class ReportsView(APIView):
    """Ask for the province's report: made by a worker, its progress read from the job."""

    permission_classes = [IsProvinceStaff]

    @extend_schema(request=ReportAskSerializer, responses={202: ReportJobSerializer})
    def post(self, request: Request) -> Response:
        admin_of(request)
        data = ReportAskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            job = province_report_request(user=request.user, ask=ReportAsk(**data.validated_data))
        except DjangoValidationError as error:
            raise api_error(error) from None
        return Response(ReportJobSerializer(job).data, status=202)


class ReportView(APIView):
    """One of the province's report jobs: its status, progress and, once made, where to download it."""

    permission_classes = [IsProvinceStaff]

    @extend_schema(responses=ReportJobSerializer)
    def get(self, request: Request, pk: int) -> Response:
        staff = admin_of(request)
        job = province_report_job(province_id=staff.province_id, pk=pk)
        if job is None:
            raise NotFound("No such report of your province.")
        return Response(ReportJobSerializer(job).data)
