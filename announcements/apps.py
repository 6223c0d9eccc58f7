from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "announcements"

    def ready(self) -> None:
        # Personal messages go out through this app's deliveries; the apps below it queue and list them through
        # channels.personal, which this fills in. Imported here because models may be imported only once Django
        # has loaded every app, which is when ready() runs.
        from announcements.selectors import personal_messages_about
        from announcements.services.personal import personal_message_queue
        from channels.personal import outbox_install

        class DeliveryOutbox:
            queue = staticmethod(personal_message_queue)
            about = staticmethod(personal_messages_about)

        outbox_install(DeliveryOutbox())
