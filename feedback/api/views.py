"""API for reports, scoped like the pages (feedback.selectors) and writing through the services."""

from dataclasses import asdict
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from feedback import selectors, services
from feedback.api import serializers as s
from feedback.models import Feedback, Unit
from groups.selectors import staff_profile_of
from portal.api.viewsets import PortalViewSet
from portal.audit import client_ip


class CursorPageSchema(AutoSchema):
    """The queue's list answers one object (a page with its cursor), not an array of cases."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False if getattr(self.view, "action", None) == "list" else super()._is_list_view(serializer)

    def get_operation_id(self) -> str:
        return "feedback_list" if getattr(self.view, "action", None) == "list" else super().get_operation_id()


class FeedbackViewSet(PortalViewSet):
    serializer_class = s.FeedbackSerializer
    pagination_class = None  # the queue pages by cursor (FeedbackPageSerializer), not by offset
    schema = CursorPageSchema()

    def get_queryset(self):  # noqa: ANN201
        return selectors.feedback_for_user(user=self.request.user)

    def _case(self, pk: int) -> Feedback:
        return selectors.feedback_get_for_user(user=self.request.user, pk=pk)

    def _answer(self, feedback: Feedback, status: int = 200) -> Response:
        may_see = selectors.can_see_reporter(user=self.request.user, feedback=feedback)
        if may_see and not feedback.is_confidential and not feedback.is_anonymous:
            services.reporter_identity_viewed(feedback=feedback, by=self.request.user, ip=client_ip(self.request))
        data = s.FeedbackSerializer(feedback, context={"may_see_reporter": may_see}).data
        return Response(data, status=status)

    @extend_schema(parameters=[s.QueueQuerySerializer], responses=s.FeedbackPageSerializer)
    def list(self, request: Request) -> Response:
        query = s.QueueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        filters = selectors.QueueFilters(
            status=values["status"] or "open",
            category=values["category"],
            q=values["q"],
            overdue=values["overdue"],
            sort=values["sort"] or "new",
        )
        page = selectors.feedback_queue(user=request.user, filters=filters, after=values["after"])
        rows = s.FeedbackSerializer(page.rows, many=True, context={"may_see_reporter": False}).data
        return Response({"results": rows, "next_cursor": page.next_cursor or None})

    def retrieve(self, request: Request, pk: int) -> Response:
        return self._answer(self._case(pk))

    @extend_schema(request=s.FeedbackCreateSerializer, responses={201: s.FeedbackSerializer})
    def create(self, request: Request) -> Response:
        data = s.FeedbackCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback, _created = services.feedback_submit(
            ward=staff_profile_of(request.user).ward,
            data=services.ReportData(**data.validated_data),
            recorded_by=request.user,
        )
        return self._answer(feedback, status=201)

    @extend_schema(request=s.StatusSerializer, responses=s.FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request: Request, pk: int) -> Response:
        data = s.StatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = self._case(pk)
        twin = selectors.feedback_by_code_for_user(user=request.user, code=data.validated_data["duplicate_of"])
        feedback = services.feedback_change_status(
            feedback=feedback,
            by=request.user,
            to=data.validated_data["to"],
            reason=data.validated_data["reason"],
            public_text=data.validated_data["text"],
            duplicate_of=twin,
        )
        return self._answer(feedback)

    @extend_schema(request=s.AssignSerializer, responses=s.FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: int) -> Response:
        data = s.AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = self._case(pk)
        unit = None
        if data.validated_data["unit"] is not None:
            unit = Unit.objects.filter(pk=data.validated_data["unit"], ward_id=feedback.ward_id).first()
            if unit is None:
                raise ValidationError({"unit": ["Unknown unit."]})
        return self._answer(services.feedback_assign(feedback=feedback, by=request.user, unit=unit))

    @extend_schema(request=s.ReplySerializer, responses={201: s.FeedbackEventSerializer})
    @action(detail=True, methods=["post"])
    def replies(self, request: Request, pk: int) -> Response:
        data = s.ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.feedback_reply(
            feedback=self._case(pk),
            by=request.user,
            text=data.validated_data["text"],
            public=data.validated_data["public"],
        )
        return Response(s.FeedbackEventSerializer(event).data, status=201)

    @extend_schema(responses=s.FeedbackEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request: Request, pk: int) -> Response:
        events = selectors.timeline(feedback=self._case(pk), public_only=False)
        return Response(s.FeedbackEventSerializer(events, many=True).data)

    @extend_schema(responses=s.NumbersSerializer)
    @action(detail=False, methods=["get"])
    def numbers(self, request: Request) -> Response:
        return Response(asdict(selectors.feedback_numbers(self.get_queryset())))

    def handle_exception(self, exc: Exception) -> Response:
        from django.http import Http404

        if isinstance(exc, Http404):
            exc = NotFound()
        return super().handle_exception(exc)
