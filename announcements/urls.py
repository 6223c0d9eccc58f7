from django.urls import path

from announcements import message_views, public_views, views

app_name = "announcements"

urlpatterns = [
    path("announcements/", views.announcement_list, name="list"),
    path("announcements/new/", views.announcement_edit, name="create"),
    path("announcements/reach/", views.announcement_reach, name="reach"),
    path("announcements/messages/", message_views.personal_messages, name="messages"),
    path("announcements/<id:pk>/", views.announcement_detail, name="detail"),
    path("announcements/<id:pk>/edit/", views.announcement_edit, name="edit"),
    path("announcements/<id:pk>/stats/", views.announcement_stats, name="stats"),
    path("announcements/<id:pk>/in-person/", views.announcement_in_person, name="in_person"),
    path("announcements/<id:pk>/confirm/<str:action>/", views.announcement_confirm, name="confirm"),
    path("announcements/<id:pk>/<str:action>/", views.announcement_action, name="action"),
    path("p/<str:ward_code>/", public_views.public_feed, name="public_feed"),
    path("p/<str:ward_code>/feed.atom", public_views.WardAtomFeed(), name="public_atom"),
    path("p/<str:ward_code>/g/<id:group_id>/", public_views.public_feed, name="public_group_feed"),
    path("p/<str:ward_code>/g/<id:group_id>/feed.atom", public_views.WardAtomFeed(), name="public_group_atom"),
    path("a/<id:pk>/", public_views.public_detail, name="public_detail"),
    path("a/<id:pk>/files/<id:file>/", public_views.announcement_file, name="file"),
    path("a/<id:pk>/calendar.ics", public_views.meeting_calendar, name="calendar"),
    path("r/<str:code>/", public_views.reader, name="reader"),
]
