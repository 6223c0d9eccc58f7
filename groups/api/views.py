"""API endpoints for the organisation, scoped exactly like the pages (through groups.selectors)."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from groups import selectors, services
from groups.api import serializers as s
from groups.models import Membership, ResidentialGroup
from portal.api.viewsets import PortalViewSet
from portal.common.audit import client_ip
from portal.common.db import vietnamese
from portal.common.text import fold
from portal.common.web import int_or_none


def _managed_group_or_error(request: Request, pk: Any, field: str = "group") -> ResidentialGroup:
    group = selectors.groups_for_user(user=request.user).filter(pk=pk).select_related("ward").first()
    if group is None:
        raise ValidationError({field: ["Unknown group."]})
    if not selectors.can_manage_group(user=request.user, group=group):
        raise PermissionDenied("You cannot change the members of this group.")
    return group


class WardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalViewSet):
    serializer_class = s.WardSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.wards_for_user(user=self.request.user)


class GroupViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    PortalViewSet,
):
    serializer_class = s.GroupSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.groups_with_coverage(selectors.groups_for_user(user=self.request.user)).order_by("name")

    def _save(self, request: Request, group: ResidentialGroup | None) -> Response:
        profile = selectors.staff_profile_of(request.user)
        if not selectors.is_ward_admin(user=request.user):
            raise PermissionDenied("Only a ward admin can create or change groups.")
        data = s.GroupWriteSerializer(data=request.data, partial=group is not None)
        data.is_valid(raise_exception=True)
        values = {
            **(
                {
                    "name": group.name,
                    "kind": group.kind,
                    "households_total": group.households_total,
                    "facebook_group_url": group.facebook_group_url,
                }
                if group
                else {}
            ),
            **data.validated_data,
        }
        saved = services.group_save(ward=profile.ward, by=request.user, group=group, **values)
        fresh = self.get_queryset().get(pk=saved.pk)
        return Response(s.GroupSerializer(fresh).data, status=status.HTTP_200_OK if group else status.HTTP_201_CREATED)

    @extend_schema(request=s.GroupWriteSerializer, responses=s.GroupSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, None)

    @extend_schema(request=s.GroupWriteSerializer, responses=s.GroupSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, self.get_object())


class HouseholdViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalViewSet):
    serializer_class = s.HouseholdSerializer

    def get_queryset(self) -> QuerySet:
        households = selectors.households_for_user(user=self.request.user).order_by("group", "address")
        group = self.request.query_params.get("group")
        return households.filter(group_id=group) if int_or_none(group) is not None else households


class MemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    PortalViewSet,
):
    serializer_class = s.MemberSerializer

    def get_queryset(self) -> QuerySet:
        members = (
            selectors.members_for_user(user=self.request.user)
            .select_related("household")
            .prefetch_related("memberships")
            .order_by(vietnamese("full_name"), "pk")
        )
        for word in fold(self.request.query_params.get("q", "")).split():
            members = members.filter(search_text__contains=word)
        group = self.request.query_params.get("group")
        if int_or_none(group) is not None:
            members = members.filter(memberships__group_id=group, memberships__status=Membership.Status.ACTIVE)
        return members

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        services.members_listed(
            user=request.user,
            ward=selectors.staff_profile_of(request.user).ward,
            what=f"API list {request.get_full_path()[:200]}",
            ip=client_ip(request),
        )
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = services.member_open(user=request.user, pk=self.get_object().pk, ip=client_ip(request))
        return Response(self.get_serializer(member).data)

    @extend_schema(
        request=s.MemberCreateSerializer, responses={201: s.MemberSerializer, 202: s.MemberRequestSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.MemberCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        group = _managed_group_or_error(request, data.validated_data["group"])
        membership = services.member_create(
            group=group,
            data=s.member_data_from(data.validated_data),
            role=data.validated_data["role"],
            organisation=data.validated_data["organisation"],
            source=Membership.Source.API,
            by=request.user,
            ip=client_ip(request),
        )
        if membership.status == Membership.Status.PENDING:
            # The phone belongs to a resident of another group: a request was made, and who it is stays hidden.
            return Response(
                {
                    "detail": "This phone number belongs to a resident of another group. A request was sent: they "
                    "confirm it from their own channel, or their group's leader or a ward admin decides.",
                    "membership": membership.pk,
                    "status": membership.status,
                },
                status=202,
            )
        return Response(s.MemberSerializer(self.get_queryset().get(pk=membership.member_id)).data, status=201)

    @extend_schema(request=s.MemberUpdateSerializer, responses=s.MemberSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """PUT: the member as given; the fields left out take their defaults (no email, no consent)."""
        return self._change(request, partial=False)

    @extend_schema(request=s.MemberUpdateSerializer, responses=s.MemberSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """PATCH: only the fields given change; the others keep their current values."""
        return self._change(request, partial=True)

    def _change(self, request: Request, *, partial: bool) -> Response:
        member = self.get_object()
        if not selectors.can_change_member(user=request.user, member=member):
            raise PermissionDenied("You can view this member but not change them.")
        current = {
            "full_name": member.full_name,
            "phone": member.phone,
            "email": member.email,
            "address": member.household.address if member.household else "",
            "zalo_user_id": member.zalo_user_id,
            "consent_sms": member.consent_sms,
            "consent_zalo": member.consent_zalo,
            "consent_email": member.consent_email,
            "preferred_channel": member.preferred_channel,
        }
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["The body must be a JSON object of the fields to change."]})
        # A form-encoded body is a QueryDict: merged as a dict it would give lists ("Not a valid string"), so it
        # is read one value per field first, as a JSON body already is.
        given = request.data.dict() if hasattr(request.data, "dict") else request.data
        data = s.MemberUpdateSerializer(data={**current, **given} if partial else given)
        data.is_valid(raise_exception=True)
        services.member_update(
            member=member,
            data=s.member_data_from(data.validated_data),
            by=request.user,
            expected_updated_at=data.validated_data.get("updated_at"),
            ip=client_ip(request),
        )
        return Response(s.MemberSerializer(self.get_queryset().get(pk=member.pk)).data)


class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    PortalViewSet,
):
    serializer_class = s.MembershipSerializer

    def get_queryset(self) -> QuerySet:
        memberships = (
            selectors.memberships_for_user(user=self.request.user)
            .select_related("member")
            .order_by("-created_at", "-pk")
        )
        params = self.request.query_params
        if int_or_none(params.get("group")) is not None:
            memberships = memberships.filter(group_id=params["group"])
        if params.get("status") in Membership.Status.values:
            memberships = memberships.filter(status=params["status"])
        return memberships

    def _managed(self) -> Membership:
        membership = self.get_object()
        if not selectors.can_manage_group(user=self.request.user, group=membership.group):
            raise PermissionDenied("You cannot change the members of this group.")
        return membership

    @extend_schema(request=s.MembershipCreateSerializer, responses={201: s.MembershipSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.MembershipCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        group = _managed_group_or_error(request, data.validated_data["group"])
        member = selectors.members_for_user(user=request.user).filter(pk=data.validated_data["member"]).first()
        if member is None:
            raise ValidationError({"member": ["Unknown member."]})
        membership = services.membership_add(
            member=member,
            group=group,
            role=data.validated_data["role"],
            organisation=data.validated_data["organisation"],
            source=Membership.Source.API,
            by=request.user,
        )
        return Response(s.MembershipSerializer(membership).data, status=201)

    @extend_schema(responses={204: None}, description="Ends the membership (status left); history is kept.")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.membership_end(membership=self._managed(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.MembershipRoleSerializer, responses=s.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def role(self, request: Request, pk: str) -> Response:
        data = s.MembershipRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_change_role(membership=self._managed(), by=request.user, **data.validated_data)
        return Response(s.MembershipSerializer(membership).data)

    @extend_schema(request=s.MembershipMoveSerializer, responses=s.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str) -> Response:
        data = s.MembershipMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = self._managed()
        to_group = _managed_group_or_error(request, data.validated_data["group"])
        moved = services.membership_move(
            membership=membership, to_group=to_group, address=data.validated_data["address"], by=request.user
        )
        return Response(s.MembershipSerializer(moved).data)

    @extend_schema(request=None, responses=s.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        pending = selectors.membership_request_get_for_user(user=request.user, pk=pk)
        membership = services.join_request_decide(membership=pending, approve=True, by=request.user)
        return Response(s.MembershipSerializer(membership).data)

    @extend_schema(request=None, responses=s.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        pending = selectors.membership_request_get_for_user(user=request.user, pk=pk)
        membership = services.join_request_decide(membership=pending, approve=False, by=request.user)
        return Response(s.MembershipSerializer(membership).data)
