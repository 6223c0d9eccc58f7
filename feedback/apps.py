from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from feedback.models import Holiday
        from feedback.workcalendar import holidays_forget

        # Whoever edits the calendar (a portal page, the admin, a migration) sees it in the next deadline.
        for signal in (post_save, post_delete):
            signal.connect(holidays_forget, sender=Holiday, dispatch_uid=f"holidays-forget-{id(signal)}")
