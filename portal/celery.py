import os

from celery import Celery, signals
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Every worker takes from both queues, the default one first (announcements.tasks: a province's alert goes
# through "bulk").
app.conf.task_queues = [Queue("celery"), Queue("bulk")]
app.conf.task_default_queue = "celery"
app.autodiscover_tasks()


@signals.worker_init.connect
def _refuse_the_fallback_key(**_kwargs: object) -> None:
    # Imported when the worker starts: this module is read while the settings are, before Django is set up.
    from portal.startup import require_secret_key

    require_secret_key()
