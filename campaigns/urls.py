from django.urls import path

from campaigns import about_views, import_views, meeting_views, public_views, views

app_name = "campaigns"

urlpatterns = [
    path("campaigns/", views.campaign_list, name="list"),
    path("campaigns/new/", views.campaign_create, name="create"),
    path("campaigns/<id:pk>/", views.campaign_detail, name="detail"),
    path("campaigns/<id:pk>/record/", views.entry_record, name="record"),
    path("campaigns/<id:pk>/households/", views.households, name="households"),
    path("campaigns/<id:pk>/entries/", views.entry_audit, name="audit"),
    path("campaigns/<id:pk>/entries/<id:entry>/reverse/", views.entry_reverse, name="reverse"),
    path("campaigns/<id:pk>/targets/", views.campaign_targets, name="targets"),
    path("campaigns/<id:pk>/about/", about_views.campaign_about, name="about"),
    path("campaigns/<id:pk>/close/", views.campaign_close, name="close"),
    path("campaigns/<id:pk>/results/", views.campaign_results, name="results"),
    path("campaigns/<id:pk>/import/", import_views.entry_import, name="import"),
    path("campaigns/<id:pk>/import/template.xlsx", import_views.entry_import_template, name="import_template"),
    path("campaigns/<id:pk>/import/<id:entry_import>/", import_views.entry_import_preview, name="import_preview"),
    path("campaigns/<id:pk>/link/", views.campaign_link, name="link"),
    path("campaigns/<id:pk>/chart.png", views.campaign_chart, name="chart"),
    path("meetings/", meeting_views.meeting_list, name="meetings"),
    path("meetings/new/", meeting_views.meeting_create, name="meeting_create"),
    path("meetings/<id:pk>/", meeting_views.meeting_detail, name="meeting"),
    path("meetings/<id:pk>/attendance/", meeting_views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<id:pk>/scan/", meeting_views.meeting_scan, name="meeting_scan"),
    path("meetings/<id:pk>/minutes/", meeting_views.meeting_minutes, name="meeting_minutes"),
    path(
        "meetings/<id:pk>/minutes/<id:version>/",
        meeting_views.meeting_minutes_version,
        name="meeting_minutes_version",
    ),
    path("meetings/<id:pk>/results/", meeting_views.meeting_results, name="meeting_results"),
    path("meetings/checkin/<str:token>/", meeting_views.meeting_checkin, name="meeting_checkin"),
    path("p/<str:ward_code>/campaigns/<id:pk>/", public_views.public_campaign, name="public"),
    path("p/<str:ward_code>/campaigns/<id:pk>/chart.png", public_views.public_chart, name="public_chart"),
    path("p/<str:ward_code>/campaigns/<id:pk>/feed.atom", public_views.CampaignAtomFeed(), name="public_atom"),
]
