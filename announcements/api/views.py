"""API for announcements, scoped like the pages (announcements.selectors) and writing through the services."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from announcements import selectors, services
from announcements.api import serializers as s
from announcements.models import Announcement
from portal.api.viewsets import PortalViewSet


class AnnouncementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalViewSet):
    serializer_class = s.AnnouncementSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.announcements_for_user(user=self.request.user).prefetch_related("groups")

    def _answer(self, announcement: Announcement, status: int = 200) -> Response:
        announcement = self.get_queryset().get(pk=announcement.pk)
        return Response(self.get_serializer(announcement).data, status=status)

    @extend_schema(request=s.AnnouncementWriteSerializer, responses={201: s.AnnouncementSerializer})
    def create(self, request: Request) -> Response:
        data = s.AnnouncementWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        announcement = services.announcement_save(
            user=request.user, data=services.AnnouncementData(**data.validated_data)
        )
        return self._answer(announcement, status=201)

    @extend_schema(request=s.AnnouncementWriteSerializer, responses=s.AnnouncementSerializer)
    def update(self, request: Request, pk: int) -> Response:
        announcement = self.get_object()
        data = s.AnnouncementWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        announcement = services.announcement_save(
            user=request.user, data=services.AnnouncementData(**data.validated_data), announcement=announcement
        )
        return self._answer(announcement)

    @extend_schema(request=None, responses=s.AnnouncementSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: int) -> Response:
        announcement = self.get_object()
        return self._answer(services.announcement_submit(announcement=announcement, by=request.user))

    @extend_schema(request=None, responses=s.AnnouncementSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: int) -> Response:
        return self._answer(services.announcement_approve(announcement=self.get_object(), by=request.user))

    @extend_schema(request=s.RejectSerializer, responses=s.AnnouncementSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: int) -> Response:
        data = s.RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        announcement = services.announcement_reject(
            announcement=self.get_object(), by=request.user, note=data.validated_data["note"]
        )
        return self._answer(announcement)

    @extend_schema(request=s.ScheduleSerializer, responses=s.AnnouncementSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, pk: int) -> Response:
        data = s.ScheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        announcement = services.announcement_schedule(
            announcement=self.get_object(), by=request.user, at=data.validated_data["scheduled_at"]
        )
        return self._answer(announcement)

    @extend_schema(request=None, responses=s.AnnouncementSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: int) -> Response:
        return self._answer(services.announcement_send_now(announcement=self.get_object(), by=request.user))

    @extend_schema(request=None, responses=s.AnnouncementSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: int) -> Response:
        return self._answer(services.announcement_cancel(announcement=self.get_object(), by=request.user))

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["post"], url_path="retry-failed")
    def retry_failed(self, request: Request, pk: int) -> Response:
        return Response({"queued": services.deliveries_retry_failed(announcement=self.get_object(), by=request.user)})

    @extend_schema(responses=s.DeliveryStatsSerializer)
    @action(detail=True, methods=["get"])
    def stats(self, request: Request, pk: int) -> Response:
        stats = selectors.delivery_stats(self.get_object())
        data = {
            **stats.__dict__,
            "by_status": stats.by_status,
            "reach_percent": round(stats.reach_percent, 1),
            "reach_total": stats.reach_total,
            "done": stats.done,
        }
        return Response(s.DeliveryStatsSerializer(data).data)
