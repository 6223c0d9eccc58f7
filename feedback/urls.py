from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("p/<str:ward_code>/report/", views.report, name="report"),
    path("p/<str:ward_code>/report/similar/", views.similar, name="similar"),
    path("p/<str:ward_code>/answers/", views.answers, name="answers"),
    path("report/done/", views.report_done, name="done"),
    path("report/status/", views.status, name="status"),
    path("report/rate/", views.rate, name="rate"),
    path("feedback/", views.queue, name="queue"),
    path("feedback/new/", views.record, name="record"),
    path("feedback/bulk/", views.bulk, name="bulk"),
    path("feedback/numbers/", views.numbers, name="numbers"),
    path("feedback/numbers/export.xlsx", views.numbers_export, name="numbers_export"),
    path("feedback/<int:pk>/", views.case, name="case"),
    path("feedback/<int:pk>/<str:action>/", views.case_action, name="action"),
]
