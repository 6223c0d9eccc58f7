from django.urls import path

from feedback import setup_views, staff_views, views

app_name = "feedback"

urlpatterns = [
    path("p/<str:ward_code>/report/", views.report, name="report"),
    path("p/<str:ward_code>/report/similar/", views.similar, name="similar"),
    path("p/<str:ward_code>/answers/", views.answers, name="answers"),
    path("report/done/", views.report_done, name="done"),
    path("report/status/", views.status, name="status"),
    path("report/rate/", views.rate, name="rate"),
    path("report/photos/<id:pk>/", views.public_photo, name="public_photo"),
    path("reports/", staff_views.queue, name="queue"),
    path("reports/new/", staff_views.record, name="record"),
    path("reports/bulk/", staff_views.bulk, name="bulk"),
    path("reports/numbers/", staff_views.numbers, name="numbers"),
    path("reports/numbers/export.xlsx", staff_views.numbers_export, name="numbers_export"),
    path("reports/setup/", setup_views.setup, name="setup"),
    path("reports/setup/units/new/", setup_views.unit_edit, name="unit_create"),
    path("reports/setup/units/<id:pk>/", setup_views.unit_edit, name="unit_edit"),
    path("reports/setup/units/<id:pk>/delete/", setup_views.unit_delete, name="unit_delete"),
    path("reports/setup/replies/new/", setup_views.reply_edit, name="reply_create"),
    path("reports/setup/replies/<id:pk>/", setup_views.reply_edit, name="reply_edit"),
    path("reports/setup/replies/<id:pk>/delete/", setup_views.reply_delete, name="reply_delete"),
    path("reports/setup/holidays/", setup_views.holiday_add, name="holiday_add"),
    path("reports/setup/holidays/<id:pk>/delete/", setup_views.holiday_delete, name="holiday_delete"),
    path("reports/<id:pk>/", staff_views.detail, name="detail"),
    path("reports/<id:pk>/photos/<id:photo>/", staff_views.staff_photo, name="photo"),
    path("reports/<id:pk>/messages/resend/", staff_views.report_messages_resend, name="messages_resend"),
    path("reports/<id:pk>/<str:action>/", staff_views.report_action, name="action"),
]
