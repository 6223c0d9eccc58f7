from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from groups import join_views
from portal import hooks, token_views, views
from portal.common.web import IdConverter
from portal.province import campaign_views, notice_views, onboarding_views, report_views
from portal.province import views as province_views
from portal.today import views as today_views
from portal.ward_report import views as ward_report_views

# Before the apps' URL confs are included: they use it.
register_converter(IdConverter, "id")

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("today/", today_views.today, name="today"),
    path("today/block/", today_views.today_block, name="today_block"),
    path("province/", province_views.province, name="province"),
    path("province/wards/<str:code>/", province_views.province_ward, name="province_ward"),
    path("province/onboarding/", onboarding_views.onboarding_start, name="province_onboarding_start"),
    path(
        "province/onboarding/template.xlsx",
        onboarding_views.onboarding_template,
        name="province_onboarding_template",
    ),
    path("province/onboarding/<id:pk>/", onboarding_views.onboarding_preview, name="province_onboarding"),
    path("province/report/", report_views.report_page, name="province_report"),
    path("province/report/<id:pk>/", report_views.report_status, name="province_report_status"),
    path("province/report/<id:pk>/download/", report_views.report_download, name="province_report_download"),
    path("province/campaigns/", campaign_views.campaign_list, name="province_campaigns"),
    path("province/campaigns/new/", campaign_views.campaign_new, name="province_campaign_new"),
    path("province/campaigns/<id:pk>/", campaign_views.campaign_detail, name="province_campaign"),
    path("province/campaigns/<id:pk>/share/", campaign_views.campaign_share, name="province_campaign_share"),
    path("t/<str:province_code>/campaigns/<id:pk>/", campaign_views.campaign_public, name="province_campaign_public"),
    path("province/announcements/", notice_views.notices, name="province_notices"),
    path("province/announcements/new/", notice_views.notice_form, name="province_notice_new"),
    path("province/announcements/<id:pk>/", notice_views.notice, name="province_notice"),
    path("province/announcements/<id:pk>/edit/", notice_views.notice_form, name="province_notice_edit"),
    path(
        "province/announcements/<id:pk>/<str:action>/",
        notice_views.notice_act,
        name="province_notice_act",
    ),
    path("ward-report/", ward_report_views.ward_report, name="ward_report"),
    path("ward-report/<id:pk>/", ward_report_views.ward_report_status, name="ward_report_status"),
    path("ward-report/<id:pk>/download/", ward_report_views.ward_report_download, name="ward_report_download"),
    path(
        "hooks/",
        include(
            (
                [
                    path("sms/", hooks.sms_callback, name="sms_callback"),
                    path("zalo/", hooks.zalo_webhook, name="zalo_webhook"),
                ],
                "hooks",
            )
        ),
    ),
    path("groups/", include("groups.urls")),
    path("", include("announcements.urls")),
    path("", include("feedback.urls")),
    path("", include("campaigns.urls")),
    path("open311/v2/", include("feedback.open311")),
    path("join/confirm/<str:token>/", join_views.join_confirm, name="join_confirm"),
    path("join/<str:token>/", join_views.join, name="join"),
    path("account/tokens/", token_views.api_tokens, name="api_tokens"),
    path("account/tokens/<id:pk>/revoke/", token_views.api_token_revoke, name="api_token_revoke"),
    path("accounts/signup/", views.no_signup),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("portal.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # A person opening the docs signs in first (the schema itself answers 401/403 to a client without a token).
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("api/redoc/", login_required(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
    path("admin/login/", views.admin_login),
    path("admin/", admin.site.urls),
]
# Nothing under MEDIA_ROOT is served by its path, with DEBUG on or off: every upload goes out through a view
# that checks who may see it (feedback.staff_views.staff_photo, feedback.views.public_photo, announcements.public_views.announcement_file).

handler400 = "portal.views.bad_request"
handler403 = "portal.views.forbidden"
handler404 = "portal.views.not_found"
handler500 = "portal.views.server_error"
