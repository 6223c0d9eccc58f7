from django.urls import path

from groups import import_views, join_views, views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_edit, name="create"),
    path("<id:pk>/", views.group_detail, name="detail"),
    path("<id:pk>/edit/", views.group_edit, name="edit"),
    path("<id:pk>/members/new/", views.member_add, name="member_add"),
    path("<id:pk>/import/", import_views.member_import, name="import"),
    path("<id:pk>/import/template.xlsx", import_views.import_template, name="import_template"),
    path("<id:pk>/export.xlsx", import_views.member_export, name="export"),
    path("<id:pk>/poster/", join_views.group_poster, name="poster"),
    path("imports/<id:pk>/", import_views.member_import_preview, name="import_preview"),
    path("members/<id:pk>/", views.member_detail, name="member"),
    path("members/<id:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<id:pk>/add-to-group/", views.member_add_to_group, name="member_add_to_group"),
    path("memberships/<id:pk>/reject/confirm/", views.membership_reject, name="membership_reject"),
    path("memberships/<id:pk>/<str:action>/", views.membership_action, name="membership_action"),
    path("staff/", views.staff_list, name="staff"),
    path("audit/", views.audit_log, name="audit"),
]
