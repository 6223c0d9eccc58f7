"""API for reports, scoped like the pages (feedback.selectors) and writing through the services."""

from dataclasses import asdict
from typing import Any

from django.http import Http404
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from feedback import selectors, services
from feedback.api import serializers as s
from feedback.models import Report
from groups.selectors import staff_profile_of
from portal.api.viewsets import PortalViewSet
from portal.common.audit import client_ip


class CursorPageSchema(AutoSchema):
    """The queue's list answers one object (a page with its cursor), not an array of reports."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False if getattr(self.view, "action", None) == "list" else super()._is_list_view(serializer)

    def get_operation_id(self) -> str:
        return "reports_list" if getattr(self.view, "action", None) == "list" else super().get_operation_id()


class ReportViewSet(PortalViewSet):
    serializer_class = s.ReportSerializer
    pagination_class = None  # the queue pages by cursor (ReportPageSerializer), not by offset
    schema = CursorPageSchema()

    def get_queryset(self):
        return selectors.reports_for_user(user=self.request.user)

    def _report(self, pk: int) -> Report:
        return selectors.report_get_for_user(user=self.request.user, pk=pk)

    def _answer(self, report: Report, status: int = 200) -> Response:
        may_see = selectors.can_see_reporter(user=self.request.user, report=report)
        if may_see and not report.is_confidential and not report.is_anonymous:
            services.reporter_identity_viewed(report=report, by=self.request.user, ip=client_ip(self.request))
        data = s.ReportSerializer(report, context={"may_see_reporter": may_see, "user": self.request.user}).data
        return Response(data, status=status)

    @extend_schema(parameters=[s.QueueQuerySerializer], responses=s.ReportPageSerializer)
    def list(self, request: Request) -> Response:
        query = s.QueueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        filters = selectors.QueueFilters(
            status=values["status"] or "open",
            category=values["category"],
            q=values["q"],
            overdue=values["overdue"] == "true",
            sort=values["sort"] or "new",
        )
        page = selectors.report_queue(user=request.user, filters=filters, after=values["after"])
        rows = s.ReportSerializer(page.rows, many=True, context={"may_see_reporter": False, "user": request.user}).data
        return Response({"results": rows, "next_cursor": page.next_cursor or None})

    def retrieve(self, request: Request, pk: int) -> Response:
        return self._answer(self._report(pk))

    @extend_schema(request=s.ReportCreateSerializer, responses={201: s.ReportSerializer})
    def create(self, request: Request) -> Response:
        data = s.ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report, _created = services.report_submit(
            ward=staff_profile_of(request.user).ward,
            data=services.ReportData(**data.validated_data),
            recorded_by=request.user,
        )
        return self._answer(report, status=201)

    @extend_schema(request=s.StatusSerializer, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request: Request, pk: int) -> Response:
        data = s.StatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = self._report(pk)
        duplicate = selectors.report_by_code_for_user(user=request.user, code=data.validated_data["duplicate_of"])
        report = services.report_change_status(
            report=report,
            by=request.user,
            to=data.validated_data["to"],
            reason=data.validated_data["reason"],
            public_text=data.validated_data["text"],
            duplicate_of=duplicate,
        )
        return self._answer(report)

    @extend_schema(request=s.AssignSerializer, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: int) -> Response:
        data = s.AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = self._report(pk)
        unit = None
        if data.validated_data["unit"] is not None:
            unit = selectors.unit_of_ward(ward_id=report.ward_id, pk=data.validated_data["unit"])
            if unit is None:
                raise ValidationError({"unit": ["Unknown unit."]})
        return self._answer(services.report_assign(report=report, by=request.user, unit=unit))

    @extend_schema(request=s.ReplySerializer, responses={201: s.ReportEventSerializer})
    @action(detail=True, methods=["post"])
    def replies(self, request: Request, pk: int) -> Response:
        data = s.ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.report_reply(
            report=self._report(pk),
            by=request.user,
            text=data.validated_data["text"],
            public=data.validated_data["public"],
        )
        return Response(s.ReportEventSerializer(event).data, status=201)

    @extend_schema(responses=s.ReportEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request: Request, pk: int) -> Response:
        events = selectors.timeline(report=self._report(pk), public_only=False)
        return Response(s.ReportEventSerializer(events, many=True).data)

    @extend_schema(responses=s.NumbersSerializer)
    @action(detail=False, methods=["get"])
    def numbers(self, request: Request) -> Response:
        return Response(asdict(selectors.report_numbers(self.get_queryset())))

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Http404):
            exc = NotFound()
        return super().handle_exception(exc)
