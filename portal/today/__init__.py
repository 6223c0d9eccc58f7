"""The officer's first page, "Hôm nay": what waits for them today across every app (reports, requests, campaigns,
meetings, messages that did not arrive). A feature above the apps, as the ward's report (portal.ward_report) is."""
