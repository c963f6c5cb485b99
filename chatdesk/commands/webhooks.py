"""``chatdesk webhooks``: the endpoints of ``[[webhooks]]``, their secrets, a test ping,
and the deliveries given up on (docs/webhooks.md)."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable

from rich.table import Table

from ..config import Settings
from ..deskconfig import load_desk_config
from ..errors import ChatdeskError
from ..models import format_ts
from ..web.hookpost import HookPoster, render
from ..webhooks import Webhooks
from .orgs import print_table, run_on_store

__all__ = ["add_parser"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``webhooks`` and its subcommands."""
    hooks = commands.add_parser("webhooks", help="webhooks: secrets, a test ping, failures")
    sub = hooks.add_subparsers(dest="webhooks_command", required=True)
    sub.add_parser("list", help="list the endpoints of chatdesk.toml").set_defaults(func=_list)
    secret = sub.add_parser("secret", help="print an endpoint's signing secret")
    secret.add_argument("name")
    secret.set_defaults(func=_secret)
    ping = sub.add_parser("ping", help="post a ping event to an endpoint now")
    ping.add_argument("name")
    ping.set_defaults(func=_ping)
    sub.add_parser("failed", help="list deliveries given up on").set_defaults(func=_failed)
    retry = sub.add_parser("retry", help="queue a failed delivery again")
    retry.add_argument("id")
    retry.set_defaults(func=_retry)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    table = Table("name", "url", "events")
    for hook in load_desk_config(settings.config_file).webhooks:
        table.add_row(hook.name, hook.url, ", ".join(hook.events))
    print_table(table, "no webhooks ([[webhooks]] in chatdesk.toml)")
    return 0


def _secret(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hooks: Webhooks) -> str:
        return hooks.secret(hooks.endpoint(args.name).name)

    return _run(settings, work)


def _ping(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hooks: Webhooks) -> str:
        endpoint = hooks.endpoint(args.name)
        poster = HookPoster()
        hooks.poster, hooks.render = poster, render
        try:
            status = await hooks.ping(endpoint)
        except OSError as exc:
            raise ChatdeskError(f"{endpoint.name}: {endpoint.url} was not reached: {exc}") from None
        finally:
            await poster.close()
        if not 200 <= status < 300:
            raise ChatdeskError(f"{endpoint.name}: {endpoint.url} answered HTTP {status}")
        return f"{endpoint.name}: {endpoint.url} answered HTTP {status}"

    return _run(settings, work)


def _failed(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hooks: Webhooks) -> str:
        table = Table("id", "endpoint", "event", "ticket", "attempts", "error", "created")
        for d in await hooks.failures():
            table.add_row(
                d.id, d.endpoint, d.event, d.ticket_id, str(d.attempts), d.last_error,
                format_ts(d.created_at),
            )  # fmt: skip
        print_table(table, "no failed deliveries")
        return ""

    return _run(settings, work)


def _retry(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hooks: Webhooks) -> str:
        await hooks.retry(None, args.id)
        return f"delivery {args.id} queued again (the running desk posts it within seconds)"

    return _run(settings, work)


def _run(settings: Settings, work: Callable[[Webhooks], Awaitable[str]]) -> int:
    """Run ``work`` on the webhooks' service; print what it returns, or the refusal."""
    endpoints = load_desk_config(settings.config_file).webhooks
    return run_on_store(settings, lambda store, key: work(Webhooks(store, endpoints, key)))
