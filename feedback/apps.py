from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"
    # The folder keeps its name; what it holds is residents' reports (phản ánh), not the ward's six-monthly report.
    verbose_name = _("Residents' reports")

    def ready(self) -> None:
        # Imported here: the models may be imported only once Django has loaded every app, when ready() runs.
        from django.db.models.signals import post_delete, post_save

        from feedback.models import Holiday
        from feedback.workcalendar import holidays_forget

        # Whoever edits the calendar (a portal page, the admin, a migration) sees it in the next deadline.
        for signal in (post_save, post_delete):
            signal.connect(holidays_forget, sender=Holiday, dispatch_uid=f"holidays-forget-{id(signal)}")
