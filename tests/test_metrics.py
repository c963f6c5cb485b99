"""``/metrics``: Prometheus text, every series labelled by process, a registry per app."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from chatdesk.web.appkeys import SERVICES

FIXTURE = Path(__file__).parent / "fixtures" / "knowledge"


async def scrape(server: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Return ``{(sample name, sorted labels): value}`` from the server's /metrics."""
    async with aiohttp.ClientSession() as http, http.get(server.make_url("/metrics")) as reply:
        assert reply.status == 200
        assert reply.content_type == "text/plain"
        text = await reply.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


async def test_metrics_tell_what_this_process_did(start_server: Any, new_client: Any) -> None:
    server = await start_server(process_name="web-1", knowledge_dir=FIXTURE)
    other = await start_server(process_name="web-2")
    visitor = new_client(server)
    await visitor.connect({"lang": "fr"})
    await visitor.say("Où trouver mes factures ?")
    await visitor.bot_reply()  # not the first message event: that is the visitor's own
    await visitor.call("escalate", {})

    samples = await scrape(server)
    p = {"process": "web-1"}
    assert value(samples, "chatdesk_connected_visitors", **p) == 1
    assert value(samples, "chatdesk_connected_operators", **p) == 0
    assert value(samples, "chatdesk_messages_total", direction="in", author="visitor", **p) == 1
    assert value(samples, "chatdesk_messages_total", direction="out", author="bot", **p) >= 1
    assert value(samples, "chatdesk_messages_total", direction="out", author="system", **p) >= 1
    assert sum(v for (n, labels), v in samples.items() if n == "chatdesk_bot_decisions_total") == 1
    acks = value(samples, "chatdesk_ack_seconds_count", namespace="/visitor", event="message", **p)
    assert acks == 1
    appends = value(
        samples,
        "chatdesk_store_operation_seconds_count",
        operation="conversations.append_message",
        **p,
    )
    assert appends >= 2  # the visitor's, the bot's
    assert value(samples, "chatdesk_queue_length", **p) == 1
    assert value(samples, "chatdesk_tickets", status="new", **p) == 1
    assert value(samples, "chatdesk_tickets", status="closed", **p) == 0
    assert ("chatdesk_offers_expired_total", (("process", "web-1"),)) in samples
    # Every series names its process.
    assert all(dict(labels).get("process") == "web-1" for _, labels in samples)

    # Another app in the same test: its own registry, nothing of the first one's.
    elsewhere = await scrape(other)
    assert value(elsewhere, "chatdesk_connected_visitors", process="web-2") == 0
    assert all(v == 0 for (n, _), v in elsewhere.items() if n == "chatdesk_messages_total")


async def test_job_runs_are_counted(start_server: Any) -> None:
    server = await start_server(process_name="jobs")
    await server.app[SERVICES].jobs.run_due()
    samples = await scrape(server)
    # (The app's own loop may have run it too.)
    assert value(samples, "chatdesk_job_runs_total", process="jobs", job="routing") >= 1


async def test_metrics_show_the_longest_event_loop_stall(start_server: Any) -> None:
    server = await start_server(process_name="web-1")
    # Block the server's loop (this test shares it): the stall under test.
    time.sleep(0.12)  # noqa: ASYNC251
    for _ in range(100):  # the probe wakes every 20 ms: wait until it has recorded the stall
        samples = await scrape(server)
        longest = value(samples, "chatdesk_event_loop_lag_max_seconds", process="web-1")
        if longest >= 0.1:
            break
    assert longest >= 0.1
    assert value(samples, "chatdesk_event_loop_lag_seconds_count", process="web-1") >= 1
