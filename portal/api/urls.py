from django.urls import include, path
from rest_framework.routers import DefaultRouter

from announcements.api import views as announcement_api
from campaigns.api import views as campaign_api
from feedback.api import views as report_api
from groups.api import views as group_api
from portal.province import api as province_api
from portal.province import campaign_api as province_campaign_api
from portal.province import notice_api as province_notice_api
from portal.province import onboarding_api as province_onboarding_api
from portal.province import report_api as province_report_api

router = DefaultRouter()
router.register("wards", group_api.WardViewSet, basename="ward")
router.register("groups", group_api.GroupViewSet, basename="group")
router.register("households", group_api.HouseholdViewSet, basename="household")
router.register("members", group_api.MemberViewSet, basename="member")
router.register("memberships", group_api.MembershipViewSet, basename="membership")
router.register("announcements", announcement_api.AnnouncementViewSet, basename="announcement")
router.register("reports", report_api.ReportViewSet, basename="report")
router.register("campaigns", campaign_api.CampaignViewSet, basename="campaign")
router.register("meetings", campaign_api.MeetingViewSet, basename="meeting")

urlpatterns = [
    path("province/", province_api.ProvinceView.as_view(), name="api-province"),
    path("province/wards/<str:code>/", province_api.ProvinceWardView.as_view(), name="api-province-ward"),
    path("province/announcements/", province_notice_api.NoticesView.as_view(), name="api-province-notices"),
    path("province/announcements/<id:pk>/", province_notice_api.NoticeView.as_view(), name="api-province-notice"),
    path(
        "province/announcements/<id:pk>/send/",
        province_notice_api.NoticeSendView.as_view(),
        name="api-province-notice-send",
    ),
    path("province/campaigns/", province_campaign_api.ProvinceCampaignsView.as_view(), name="api-province-campaigns"),
    path(
        "province/campaigns/<id:pk>/",
        province_campaign_api.ProvinceCampaignView.as_view(),
        name="api-province-campaign",
    ),
    path(
        "province/campaigns/<id:pk>/share/",
        province_campaign_api.ProvinceShareView.as_view(),
        name="api-province-campaign-share",
    ),
    path("province/onboarding/", province_onboarding_api.OnboardingsView.as_view(), name="api-province-onboardings"),
    path(
        "province/onboarding/<id:pk>/commit/",
        province_onboarding_api.OnboardingCommitView.as_view(),
        name="api-province-onboarding-commit",
    ),
    path("province/reports/", province_report_api.ReportsView.as_view(), name="api-province-reports"),
    path("province/reports/<id:pk>/", province_report_api.ReportView.as_view(), name="api-province-report"),
    path("", include(router.urls)),
]
