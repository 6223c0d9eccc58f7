"""Campaigns benchmark: progress and the ward's "Hôm nay" page at N entries, and entries recorded per second.

    python bench/campaigns.py --contributions 1000000

Fills a PostgreSQL database of its own (bench_campaigns, dropped and created again) with a ward of 2,000 groups
and 50 households each, 20 live campaigns, and N entries in one of them spread over 60 days, with the running
totals (per group, per household, per day) made from those entries. Then it measures through the real views
(Django's test client, the real URL, view and template): the campaign's progress page with its 2,000 group rows,
and the "Hôm nay" page of a ward admin with the 20 campaigns; the progress page again as it is right after an
entry (nothing kept: the rows are made again); and both pages the naive way, in the same run, with the figures
summed from the entries on each request (the same views with the selector swapped). Then it starts
gunicorn as the production image runs it (3 workers of 4 threads) and records entries through the recording view's JSON answer from several client threads,
as signed-in leaders' phones do (`record_per_s`), and checks that the running totals still equal the entries.
The last line printed is one JSON object with the figures.
"""

import argparse
import http.client
import json
import os
import re
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import bench_environment, gunicorn, measure  # noqa: E402 - after the path is set

GROUPS = 2000
HOUSEHOLDS_PER_GROUP = 50
CAMPAIGNS = 20
DAYS = 60
WARM_UP_SECONDS = 3.0


def log(message: str) -> None:
    print(f"[campaigns] {message}", file=sys.stderr, flush=True)


def fill(contributions: int) -> tuple[object, object, list]:
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from campaigns import services
    from groups.models import Province, StaffProfile, Ward

    ward = Ward.objects.create(
        name="Phường Benchmark",
        code="99997",
        province=Province.objects.get_or_create(code="01", defaults={"name": "Hà Nội"})[0],
    )
    admin = get_user_model().objects.create_user(username="bench@example.vn", email="bench@example.vn")
    StaffProfile.objects.create(user=admin, ward=ward, role=StaffProfile.Role.WARD_ADMIN)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO groups_residentialgroup (ward_id, kind, name, name_folded, households_total,
                                                 facebook_group_url, invite_token, is_active, created_at)
            SELECT %s, 'to_dan_pho', 'Tổ dân phố ' || g, 'to dan pho ' || g, 60 + g %% 50, '',
                   md5(random()::text || g), true, now()
            FROM generate_series(1, %s) AS g
            """,
            [ward.pk, GROUPS],
        )
        cursor.execute(
            """
            INSERT INTO groups_household (group_id, address, address_folded, head_id, created_at)
            SELECT g.id, n || ' Trần Phú', n || ' tran phu', NULL, now()
            FROM groups_residentialgroup g CROSS JOIN generate_series(1, %s) AS n
            WHERE g.ward_id = %s
            """,
            [HOUSEHOLDS_PER_GROUP, ward.pk],
        )
    today = timezone.localdate()
    campaigns = [
        services.campaign_create(
            ward=ward,
            data=services.CampaignData(
                name=f"Cuộc vận động {n}",
                kind="fund",
                unit="vnd",
                starts_on=today - timedelta(days=DAYS),
                ends_on=today + timedelta(days=30 + n),
                target=GROUPS * HOUSEHOLDS_PER_GROUP * 300_000,
            ),
            by=admin,
        )
        for n in range(1, CAMPAIGNS + 1)
    ]
    main = campaigns[0]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH h AS (SELECT h.id, h.group_id, row_number() OVER (ORDER BY h.id) - 1 AS n
                       FROM groups_household h JOIN groups_residentialgroup g ON g.id = h.group_id
                       WHERE g.ward_id = %(ward)s)
            INSERT INTO campaigns_entry (campaign_id, group_id, household_id, amount, method, receipt_number,
                                         name_public, reverses_id, reason, key, recorded_by_id, recorded_at, ip)
            SELECT %(campaign)s, h.group_id, h.id, (1 + i %% 10) * 10000, 'cash', '', i %% 3 = 0, NULL, '',
                   'bench-' || i, %(user)s,
                   now() - interval '%(days)s days' + (i::float / %(rows)s) * interval '%(days)s days', NULL
            FROM generate_series(1, %(rows)s) AS i JOIN h ON h.n = i %% %(households)s
            """,
            {
                "ward": ward.pk,
                "campaign": main.pk,
                "user": admin.pk,
                "rows": contributions,
                "days": DAYS,
                "households": GROUPS * HOUSEHOLDS_PER_GROUP,
            },
        )
        # The running totals, made from the entries once (the services keep them from here on).
        cursor.execute(
            """
            INSERT INTO campaigns_participation (campaign_id, household_id, amount)
            SELECT campaign_id, household_id, sum(amount) FROM campaigns_entry WHERE campaign_id = %s
            GROUP BY campaign_id, household_id
            """,
            [main.pk],
        )
        cursor.execute(
            """
            UPDATE campaigns_total t SET amount = s.amount, entries = s.entries, households = s.households
            FROM (SELECT e.group_id, sum(e.amount) AS amount, count(*) AS entries,
                         (SELECT count(*) FROM campaigns_participation p JOIN groups_household h
                          ON h.id = p.household_id WHERE p.campaign_id = %(c)s AND h.group_id = e.group_id
                          AND p.amount > 0) AS households
                  FROM campaigns_entry e WHERE e.campaign_id = %(c)s GROUP BY e.group_id) s
            WHERE t.campaign_id = %(c)s AND t.group_id = s.group_id
            """,
            {"c": main.pk},
        )
        cursor.execute(
            """
            INSERT INTO campaigns_daytotal (campaign_id, day, amount, entries)
            SELECT campaign_id, (recorded_at AT TIME ZONE %s)::date, sum(amount), count(*)
            FROM campaigns_entry WHERE campaign_id = %s GROUP BY 1, 2
            """,
            [timezone.get_current_timezone_name(), main.pk],
        )
        cursor.execute("VACUUM ANALYZE campaigns_entry")
        cursor.execute("VACUUM ANALYZE campaigns_participation")
        cursor.execute("VACUUM ANALYZE campaigns_total")
        cursor.execute("VACUUM ANALYZE groups_household")
    return ward, admin, campaigns


def naive_progress(*, campaign, user=None, mine=None):
    """The naive way: every group's figures summed from the entries on each request (the groups the person
    records in, `mine`, are not put first: the figures are what is measured)."""
    from django.db.models import Count, Q, Sum

    from campaigns.models import Entry, GroupTarget
    from campaigns.selectors import GroupProgress, Progress

    sums = {
        row["group_id"]: row
        for row in Entry.objects.filter(campaign=campaign)
        .values("group_id")
        .annotate(s=Sum("amount"), n=Count("id"), h=Count("household", distinct=True, filter=Q(amount__gt=0)))
    }
    progress = Progress(campaign=campaign, target=campaign.target)
    for group_id, name, total, target in GroupTarget.objects.filter(campaign=campaign).values_list(
        "group_id", "group__name", "group__households_total", "target"
    ):
        row = sums.get(group_id, {"s": 0, "n": 0, "h": 0})
        progress.groups.append(GroupProgress(group_id, name, total, target, row["s"], row["n"], row["h"]))
        progress.amount += row["s"]
        progress.entries += row["n"]
        progress.households += row["h"]
        progress.households_total += total
    return progress


def naive_live(*, user, today=None):
    """The naive way for the dashboard: each running campaign's amount summed from its entries."""
    from django.db.models import Sum
    from django.utils import timezone

    from campaigns.models import Campaign, Entry
    from campaigns.selectors import LiveCampaign

    today = today or timezone.localdate()
    campaigns = Campaign.objects.filter(status="open", starts_on__lte=today, ends_on__gte=today).order_by("ends_on")
    return [
        LiveCampaign(c, Entry.objects.filter(campaign=c).aggregate(s=Sum("amount"))["s"] or 0, 0, c.target)
        for c in campaigns
    ]


def records_per_second(
    env: dict, campaign_id: int, session: str, seconds: float, threads: int, workers: int, gunicorn_threads: int
) -> tuple[float, int]:
    import httpx

    path = f"/campaigns/{campaign_id}/record/"
    with gunicorn(env, workers=workers, threads=gunicorn_threads) as port:
        page = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        page.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        answer = page.getresponse()
        body = answer.read().decode()
        assert answer.status == 200, answer.status
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        cookie = re.search(r"csrftoken=([^;]+)", answer.getheader("Set-Cookie") or "").group(1)
        page.close()
        households = [
            h["id"]
            for h in httpx.get(
                f"http://127.0.0.1:{port}/campaigns/{campaign_id}/households/?all=1",
                headers={"Cookie": f"sessionid={session}"},
                timeout=30,
            ).json()["results"]
        ]
        counts = [0] * threads
        warm_until = time.monotonic() + WARM_UP_SECONDS
        stop = warm_until + seconds

        def phone(index: int) -> None:
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "Cookie": f"sessionid={session}; csrftoken={cookie}",
                "Referer": f"http://127.0.0.1:{port}{path}",
                "X-CSRFToken": token,
            }
            n = 0
            while time.monotonic() < stop:
                n += 1
                household = households[(index * 7919 + n * 31) % len(households)]
                body = urllib.parse.urlencode(
                    {"household": household, "amount": "50.000", "key": f"live-{index}-{n}", "method": "cash"}
                )
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("POST", path, body=body, headers=headers)
                status = connection.getresponse().status
                connection.close()
                if status == 201 and time.monotonic() > warm_until:
                    counts[index] += 1

        workers = [threading.Thread(target=phone, args=(i,)) for i in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return sum(counts) / (time.monotonic() - warm_until), sum(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contributions", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--record-seconds", type=float, default=15.0)
    parser.add_argument("--record-threads", type=int, default=8)
    # The shape of the production image (Dockerfile): 3 workers of 4 threads. Recording an entry mostly waits on
    # PostgreSQL's commit, so threads overlap those waits.
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--gunicorn-threads", type=int, default=4)
    parser.add_argument("--database", default="bench_campaigns")
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres:postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"))
    args = parser.parse_args()

    bench_environment(admin_url=args.admin_url, database=args.database, redis=args.redis)

    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django.db.models import Count, Sum
    from django.test import Client

    import campaigns.selectors
    import portal.today.dashboard
    from campaigns.models import Entry, Total

    redis.Redis.from_url(args.redis).flushdb()
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    _ward, admin, live = fill(args.contributions)
    main_campaign = live[0]
    log(f"filled {args.contributions} entries in {time.monotonic() - started:.1f}s")
    client = Client()
    client.force_login(admin)

    progress_url = f"/campaigns/{main_campaign.pk}/"
    progress_p95, page = measure(client, progress_url, args.repeat)
    assert page.content.decode().count("data-group=") == GROUPS
    # The same page when an entry has just landed before every request: nothing kept, all 2,000 rows again.
    fresh_p95, _ = measure(
        client, progress_url, args.repeat, before=lambda: campaigns.selectors.progress_changed(main_campaign.pk)
    )
    today_p95, today = measure(client, "/today/", args.repeat)
    assert today.content.decode().count("/campaigns/") >= CAMPAIGNS

    fast_progress, fast_live = campaigns.selectors.campaign_progress, portal.today.dashboard.campaigns_live
    campaigns.selectors.campaign_progress, portal.today.dashboard.campaigns_live = naive_progress, naive_live
    campaigns.selectors.progress_changed(main_campaign.pk)  # the naive way keeps nothing either
    repeat_naive = max(5, args.repeat // 4)
    naive_progress_p95, naive_page = measure(
        client, progress_url, repeat_naive, before=lambda: campaigns.selectors.progress_changed(main_campaign.pk)
    )
    naive_today_p95, _ = measure(client, "/today/", repeat_naive)
    campaigns.selectors.campaign_progress, portal.today.dashboard.campaigns_live = fast_progress, fast_live

    def shown(response) -> str:
        return re.search(r'class="stat" data-amount="(-?\d+)"', response.content.decode()).group(1)

    assert shown(naive_page) == shown(page), "the two ways disagree"
    log(
        f"progress {progress_p95} ms (right after an entry {fresh_p95}, naive {naive_progress_p95}), "
        f"today {today_p95} ms (naive {naive_today_p95})"
    )

    rate, recorded = records_per_second(
        dict(os.environ),
        main_campaign.pk,
        client.cookies["sessionid"].value,
        args.record_seconds,
        args.record_threads,
        args.gunicorn_workers,
        args.gunicorn_threads,
    )
    entries = Entry.objects.filter(campaign=main_campaign).aggregate(s=Sum("amount"), n=Count("id"))
    totals = Total.objects.filter(campaign=main_campaign).aggregate(s=Sum("amount"), n=Sum("entries"))
    assert (entries["s"], entries["n"]) == (totals["s"], totals["n"]), (entries, totals)
    log(f"{recorded} entries recorded under load; totals equal the entries ({entries['n']})")
    print(
        json.dumps(
            {
                "contributions": args.contributions,
                "groups": GROUPS,
                "live_campaigns": CAMPAIGNS,
                "progress_p95_ms": progress_p95,
                "progress_after_entry_p95_ms": fresh_p95,
                "ward_dashboard_p95_ms": today_p95,
                "record_per_s": round(rate, 1),
                "naive_progress_p95_ms": naive_progress_p95,
                "naive_ward_dashboard_p95_ms": naive_today_p95,
                "progress_vs_naive": round(naive_progress_p95 / progress_p95, 1),
                "dashboard_vs_naive": round(naive_today_p95 / today_p95, 1),
                "record_threads": args.record_threads,
                "gunicorn_workers": args.gunicorn_workers,
                "gunicorn_threads": args.gunicorn_threads,
            }
        )
    )


if __name__ == "__main__":
    main()
