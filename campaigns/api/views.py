"""API for campaigns, scoped like the pages (campaigns.selectors) and writing through the services. A campaign's
public figures need no login, as its public page."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns import selectors, services
from campaigns.api import serializers as s
from campaigns.models import Campaign
from groups.selectors import is_ward_admin, staff_profile_of
from portal.api.fields import MAX_ID
from portal.api.viewsets import PortalViewSet
from portal.common.audit import client_ip


def _with_figures(campaign: Campaign) -> Campaign:
    progress = selectors.campaign_progress(campaign=campaign)
    campaign.amount, campaign.percent = progress.amount, progress.percent  # type: ignore[attr-defined]
    return campaign


class CampaignViewSet(mixins.ListModelMixin, PortalViewSet):
    serializer_class = s.CampaignSerializer
    # JSON only: a form-encoded body cannot carry the group targets' object, which would be dropped unseen.
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet:
        return selectors.campaigns_for_user(user=self.request.user).order_by("-starts_on", "-pk")

    def _campaign(self, pk: Any) -> Campaign:
        return selectors.campaign_get_for_user(user=self.request.user, pk=pk)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        live = {item.campaign.pk: item for item in selectors.campaigns_live(user=request.user)}
        for campaign in page:
            item = live.get(campaign.pk)
            if item is None or not staff_profile_of(request.user).is_ward_wide:  # type: ignore[union-attr]
                _with_figures(campaign)
            else:
                campaign.amount, campaign.percent = item.amount, item.percent
        return self.get_paginated_response(s.CampaignSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return Response(s.CampaignSerializer(_with_figures(self._campaign(pk))).data)

    @extend_schema(request=s.CampaignWriteSerializer, responses={201: s.CampaignSerializer})
    def create(self, request: Request) -> Response:
        profile = staff_profile_of(request.user)
        if profile is None or not is_ward_admin(user=request.user):
            raise PermissionDenied("Only a ward admin can start a campaign.")
        data = s.CampaignWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = services.campaign_create(
            ward=profile.ward, data=services.CampaignData(**data.validated_data), by=request.user
        )
        return Response(s.CampaignSerializer(_with_figures(campaign)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.ProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: Any = None) -> Response:
        progress = selectors.campaign_progress(campaign=self._campaign(pk), user=request.user)
        return Response(s.ProgressSerializer(progress).data)

    @extend_schema(methods=["GET"], responses=s.EntrySerializer(many=True))
    @extend_schema(
        methods=["POST"], request=s.EntryWriteSerializer, responses={200: s.EntrySerializer, 201: s.EntrySerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def entries(self, request: Request, pk: Any = None) -> Response:
        """GET: the entries of the groups the caller records in (a ward admin: every entry, and the reading is
        audited). POST: record one; the same `key` again returns the first entry (200) instead of a second."""
        campaign = self._campaign(pk)
        if request.method == "POST":
            data = s.EntryWriteSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            entry, created = services.entry_record(
                campaign=campaign,
                data=services.EntryData(household_id=values.pop("household"), **values),
                by=request.user,
                ip=client_ip(request),
            )
            return Response(s.EntrySerializer(entry).data, status=201 if created else 200)
        if is_ward_admin(user=request.user, ward=campaign.ward):
            entries = selectors.entries_for_audit(campaign=campaign)
        else:
            entries = selectors.entries_recent(user=request.user, campaign=campaign, limit=None)
        page = self.paginate_queryset(entries)
        services.entries_viewed(user=request.user, campaign=campaign, what="entries (API)", ip=client_ip(request))
        return self.get_paginated_response(s.EntrySerializer(page, many=True).data)

    @extend_schema(request=s.ReverseSerializer, responses={201: s.EntrySerializer})
    @action(detail=True, methods=["post"], url_path=r"entries/(?P<entry>[0-9]{1,18})/reverse")
    def reverse(self, request: Request, pk: Any = None, entry: Any = None) -> Response:
        campaign = self._campaign(pk)
        if int(entry) > MAX_ID:
            raise NotFound()
        original = selectors.entry_get_for_user(user=request.user, campaign=campaign, pk=int(entry))
        data = s.ReverseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reversal = services.entry_reverse(
            entry=original,
            by=request.user,
            reason=data.validated_data["reason"],
            key=data.validated_data["key"],
            ip=client_ip(request),
        )
        return Response(s.EntrySerializer(reversal).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.PublicCampaignSerializer, auth=[])
    @action(detail=True, methods=["get"], permission_classes=[AllowAny], authentication_classes=[])
    def public(self, request: Request, pk: Any = None) -> Response:
        """What the campaign's public page shows (no login): totals per group and per day, and the latest
        entries with a name only where the household agreed."""
        campaign = selectors.campaign_by_id(pk=pk)
        if campaign is None:
            raise NotFound()
        data = {
            "campaign": _with_figures(campaign),
            "ward": campaign.ward.name,
            "progress": selectors.campaign_progress(campaign=campaign),
            "days": selectors.campaign_days(campaign=campaign)[:60],
            "entries": selectors.public_entries(campaign=campaign),
        }
        return Response(s.PublicCampaignSerializer(data).data)


def _meeting_data(meeting: Any) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "place": meeting.place,
        "agenda": meeting.agenda,
        "whole_ward": meeting.whole_ward,
        "announcement_id": meeting.announcement_id,
        "has_minutes": bool(meeting.minutes),
        "attendance": selectors.attendance_by_group(meeting=meeting),
    }


class MeetingViewSet(PortalViewSet):
    """Meetings of the caller's ward (a leader: those inviting their groups), with attendance per group."""

    serializer_class = s.MeetingSerializer
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet:
        return selectors.meetings_for_user(user=self.request.user).order_by("-starts_at", "-pk")

    def _meeting(self, pk: Any) -> Any:
        return selectors.meeting_get_for_user(user=self.request.user, pk=pk)

    @extend_schema(responses=s.MeetingSerializer(many=True))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.MeetingSerializer([_meeting_data(m) for m in page], many=True).data)

    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return Response(s.MeetingSerializer(_meeting_data(self._meeting(pk))).data)

    @extend_schema(request=s.MeetingWriteSerializer, responses={201: s.MeetingSerializer})
    def create(self, request: Request) -> Response:
        data = s.MeetingWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = services.meeting_create(data=services.MeetingData(**data.validated_data), by=request.user)
        return Response(s.MeetingSerializer(_meeting_data(meeting)).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=s.InviteeSerializer(many=True))
    @extend_schema(methods=["POST"], request=s.AttendanceWriteSerializer, responses=s.AttendanceResultSerializer)
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def attendance(self, request: Request, pk: Any = None) -> Response:
        """GET: the people the caller may tick, and who is present. POST: the full list of those present (among
        them); a QR check-in is never undone by it."""
        meeting = self._meeting(pk)
        if request.method == "POST":
            data = s.AttendanceWriteSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            added, removed = services.attendance_set(
                meeting=meeting, member_ids=data.validated_data["member_ids"], by=request.user
            )
            return Response({"added": added, "removed": removed})
        return Response(s.InviteeSerializer(selectors.invitee_rows(meeting=meeting, user=request.user), many=True).data)

    @extend_schema(request=s.ScanSerializer, responses=s.ScanResultSerializer)
    @action(detail=True, methods=["post"])
    def scan(self, request: Request, pk: Any = None) -> Response:
        meeting = self._meeting(pk)
        data = s.ScanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member, created = services.attendance_scan(meeting=meeting, token=data.validated_data["token"], by=request.user)
        return Response({"name": member.full_name, "new": created})
