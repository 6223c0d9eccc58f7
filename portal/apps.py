from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self) -> None:
        # The folders the portal writes to, made when a process starts (web server, worker, a management command),
        # not when the settings are imported: importing settings must not touch the disk.
        folders = [Path(settings.VAR_DIR)]
        if settings.CELERY_BROKER_URL.startswith("filesystem"):
            folders += [Path(f) for f in settings.CELERY_BROKER_TRANSPORT_OPTIONS.values() if isinstance(f, str)]
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
