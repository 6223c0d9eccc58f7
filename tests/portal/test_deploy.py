"""`docker compose up --scale web=N --scale worker=N` works: no scaled service binds a host port or names its
container (either would stop the second copy starting), one proxy spreads requests over every web copy, and the
periodic jobs' beat is one."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_web_and_workers_scale_behind_one_proxy_and_beat_stays_one():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in ("web", "worker"):
        assert "ports" not in services[name] and "container_name" not in services[name], name
    assert services["proxy"]["ports"] == ["8000:80"]
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server web:8000 resolve" in config and "resolver 127.0.0.11" in config
    assert "X-Forwarded-For $remote_addr" in config  # overwritten, so PORTAL_TRUSTED_PROXY=1 is safe
    assert "replicas" not in str(services["beat"]) and "celery -A portal beat" in services["beat"]["command"]
