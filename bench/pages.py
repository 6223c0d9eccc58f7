"""Page weight and largest contentful paint of the resident's pages on a slow phone connection.

    python bench/pages.py

Starts the portal itself (gunicorn, DEBUG off, the demo ward in a SQLite database of its own, on a free port),
then opens the ward page, the report form, a report's status page, a campaign's public page and the status page
of a report answered with a photo (its photo counted too) in Debian's Chromium, each as a first visit
(a new browser context, nothing cached) under Chromium's network throttling: 1.6 Mbps down, 750 kbps up,
150 ms latency. For each page it counts the bytes transferred for HTML, CSS, JavaScript and fonts (not residents'
photos) and reads the largest contentful paint. The last line printed is one JSON object:

    {"pages": {"ward": {"bytes": …, "lcp_ms": …}, "report": {…}, "status": {…}}, "budget": {…}, …}

Targets: each page at most 102,400 bytes and LCP under 2,500 ms.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
BUDGET_BYTES = 102_400
BUDGET_LCP_MS = 2_500
# Chromium's throttling takes bytes per second: 1.6 Mbps down, 750 kbps up.
THROTTLE = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
COUNTED = {"Document", "Stylesheet", "Script", "Font"}
# A public report answered with a phone photo (3000×2000, detailed, as phones take them): its code.
PHOTO_REPORT = """
import io, random
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from feedback import services
from feedback.models import Report
from groups.models import StaffProfile
profile = StaffProfile.objects.filter(role="ward_admin", ward__code="99001").first()
staff = profile.user
mine = Report.objects.filter(ward=profile.ward, is_public=True, is_confidential=False)
report = mine.filter(status="new").first() or mine.first()
random.seed(7)
image = Image.effect_noise((3000, 2000), 64).convert("RGB")
data = io.BytesIO(); image.save(data, "JPEG", quality=92)
photo = SimpleUploadedFile("anh.jpg", data.getvalue(), content_type="image/jpeg")
if report.status == "new":
    services.report_change_status(report=report, by=staff, to="triaged")
services.report_reply(report=report, by=staff, text="Đã thu gom sáng nay.", public=True, photos=[photo])
print(report.tracking_code)
"""
LCP_SCRIPT = """
window.__lcp = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) window.__lcp = Math.max(window.__lcp, entry.startTime);
}).observe({type: "largest-contentful-paint", buffered: true});
"""


def log(message: str) -> None:
    print(f"[pages] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def portal_env(var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-use-0123456789",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_COOKIE_SECURE="0",
        DJANGO_HSTS_SECONDS="0",
        PORTAL_VAR_DIR=var_dir,
    )
    return env


def manage_print(env: dict[str, str], code: str) -> str:
    """What a line of Python prints in the portal's shell (quiet, so only that)."""
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def measure(browser, base: str, path: str, counted: set[str]) -> dict[str, float]:
    """One first visit under throttling: bytes of the counted resource types, and the LCP."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=base)
    context.add_init_script(LCP_SCRIPT)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", THROTTLE)
    types: dict[str, str] = {}
    sizes: dict[str, float] = {}
    cdp.on("Network.responseReceived", lambda e: types.__setitem__(e["requestId"], e.get("type", "")))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(path, wait_until="load")
    page.wait_for_timeout(1500)  # LCP settles after load; a person would still be reading
    lcp = page.evaluate("window.__lcp")
    context.close()
    weight = sum(size for request, size in sizes.items() if types.get(request) in counted)
    return {"bytes": int(weight), "lcp_ms": round(lcp, 1)}


def main() -> None:
    from playwright.sync_api import sync_playwright

    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as var_dir:
        env = portal_env(var_dir)
        log("migrating and loading the demo ward")
        subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([python, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
        code = manage_print(
            env,
            "from feedback.models import Report;"
            "print(Report.objects.filter(ward__code='99001', is_public=True, is_confidential=False).first().tracking_code)",
        )
        # The demo ward's own (the demo's province has two more wards, with campaigns and reports of their own).
        ward = manage_print(env, "from groups.models import Ward; print(Ward.objects.get(code='99001').code)")
        campaign = manage_print(
            env,
            "from campaigns.models import Campaign;"
            "print(Campaign.objects.filter(ward__code='99001', province_campaign=None).first().pk)",
        )
        photo_code = manage_print(env, PHOTO_REPORT)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [python, "-m", "gunicorn", "portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
        )
        try:
            for _try in range(100):
                try:
                    urllib.request.urlopen(base + "/health/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            pages = {
                "ward": f"/p/{ward}/",
                "report": f"/p/{ward}/report/",
                "status": f"/report/status/?code={code}",
                "campaign": f"/p/{ward}/campaigns/{campaign}/",
                "status_photo": f"/report/status/?code={photo_code}",
            }
            results = {}
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, path in pages.items():
                    # The status page with a photo counts the photo too: a resident on a slow phone loads it.
                    counted = COUNTED | ({"Image"} if name == "status_photo" else set())
                    measure(browser, base, path, counted)  # an unmeasured first load: templates compiled, caches warm
                    results[name] = measure(browser, base, path, counted)
                    if results[name]["bytes"] < 1000:
                        raise SystemExit(f"{path} answered almost nothing: is the portal serving it?")
                    log(f"{name}: {results[name]}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(
        json.dumps(
            {
                "pages": results,
                "budget": {"bytes": BUDGET_BYTES, "lcp_ms": BUDGET_LCP_MS},
                "share_of_budget": {
                    name: {
                        "bytes": round(r["bytes"] / BUDGET_BYTES, 3),
                        "lcp_ms": round(r["lcp_ms"] / BUDGET_LCP_MS, 3),
                    }
                    for name, r in results.items()
                },
                "throttling": {"down_kbps": 1600, "up_kbps": 750, "latency_ms": 150},
                "within_targets": all(
                    r["bytes"] <= BUDGET_BYTES and r["lcp_ms"] < BUDGET_LCP_MS for r in results.values()
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
