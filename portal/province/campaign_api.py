"""A province's campaigns in the API: its admin opens one over its wards and changes a ward's share; its viewer
follows each ward's progress."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns import services as campaign_services
from campaigns.models import Campaign, ProvinceCampaign
from campaigns.selectors import province_campaign_progress, province_campaigns
from groups.access import IsProvinceStaff
from groups.models import Ward
from groups.selectors import province_staff_of
from portal.province.api import admin_of, api_error


class WardShareSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    target = serializers.IntegerField()
    amount = serializers.IntegerField()
    households = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class ProvinceCampaignSerializer(serializers.ModelSerializer):
    amount = serializers.SerializerMethodField()
    percent = serializers.SerializerMethodField()
    wards = serializers.SerializerMethodField()

    class Meta:
        model = ProvinceCampaign
        fields = ["id", "name", "kind", "unit", "unit_label", "starts_on", "ends_on", "target", "purpose"]
        fields += ["amount", "percent", "wards"]

    def _progress(self, campaign: ProvinceCampaign) -> Any:
        cache = self.context.setdefault("progress", {})
        if campaign.pk not in cache:
            cache[campaign.pk] = province_campaign_progress(campaign=campaign)
        return cache[campaign.pk]

    def get_amount(self, campaign: ProvinceCampaign) -> int:
        return self._progress(campaign).amount

    def get_percent(self, campaign: ProvinceCampaign) -> float | None:
        return self._progress(campaign).percent

    @extend_schema_field(WardShareSerializer(many=True))
    def get_wards(self, campaign: ProvinceCampaign) -> list[dict]:
        return WardShareSerializer(self._progress(campaign).wards, many=True).data


class ProvinceCampaignWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Campaign.Kind.choices)
    unit = serializers.ChoiceField(choices=Campaign.Unit.choices)
    unit_label = serializers.CharField(max_length=40, required=False, default="")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    target = serializers.IntegerField(min_value=1, max_value=10**15)
    purpose = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)
    ward_targets = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=10**15), required=False, help_text="ward code → share"
    )


class ShareWriteSerializer(serializers.Serializer):
    ward_code = serializers.CharField(max_length=10)
    target = serializers.IntegerField(min_value=1, max_value=10**15)


def _campaign(request: Request, pk: int) -> ProvinceCampaign:
    campaign = ProvinceCampaign.objects.filter(province=province_staff_of(request.user).province, pk=pk).first()
    if campaign is None:
        raise NotFound("No such campaign of your province.")
    return campaign


class ProvinceCampaignsView(APIView):
    """The province's campaigns with their progress by ward (GET); a new one over its wards (POST, its admin)."""

    permission_classes = [IsProvinceStaff]

    @extend_schema(responses=ProvinceCampaignSerializer(many=True))
    def get(self, request: Request) -> Response:
        campaigns = province_campaigns(province=province_staff_of(request.user).province)[:50]
        return Response(ProvinceCampaignSerializer(campaigns, many=True).data)

    @extend_schema(request=ProvinceCampaignWriteSerializer, responses={201: ProvinceCampaignSerializer})
    def post(self, request: Request) -> Response:
        staff = admin_of(request)
        data = ProvinceCampaignWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        codes = values.pop("ward_targets", {})
        ids = dict(Ward.objects.filter(province=staff.province, code__in=list(codes)).values_list("code", "pk"))
        unknown = [code for code in codes if code not in ids]
        if unknown:
            raise ValidationError({"ward_targets": [f"Not a ward of your province: {', '.join(unknown[:10])}."]})
        try:
            campaign = campaign_services.province_campaign_create(
                data=campaign_services.ProvinceCampaignData(
                    **values, ward_targets={ids[code]: share for code, share in codes.items()}
                ),
                by=request.user,
            )
        except DjangoValidationError as error:
            raise api_error(error) from None
        return Response(ProvinceCampaignSerializer(campaign).data, status=201)


class ProvinceCampaignView(APIView):
    """One campaign of the province with each ward's share and progress."""

    permission_classes = [IsProvinceStaff]

    @extend_schema(responses=ProvinceCampaignSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ProvinceCampaignSerializer(_campaign(request, pk)).data)


class ProvinceShareView(APIView):
    """Change one ward's share of the campaign (its admin)."""

    permission_classes = [IsProvinceStaff]

    @extend_schema(request=ShareWriteSerializer, responses=ProvinceCampaignSerializer)
    def post(self, request: Request, pk: int) -> Response:
        campaign = _campaign(request, pk)
        staff = admin_of(request)
        data = ShareWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ward = Ward.objects.filter(province=staff.province, code=data.validated_data["ward_code"]).first()
        if ward is None:
            raise ValidationError({"ward_code": ["Not a ward of your province."]})
        try:
            campaign_services.province_share_set(
                campaign=campaign, ward_id=ward.pk, target=data.validated_data["target"], by=request.user
            )
        except DjangoValidationError as error:
            raise api_error(error) from None
        return Response(ProvinceCampaignSerializer(campaign).data)
