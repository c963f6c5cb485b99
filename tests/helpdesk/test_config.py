"""chatdesk.toml's helpdesk tables: a full file, defaults, errors in the file's words."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from chatdesk.deskconfig import load_desk_config
from chatdesk.errors import ConfigError, InvalidPayload
from chatdesk.helpdeskconfig import Target
from chatdesk.hours import AroundTheClock
from chatdesk.models import TicketType

FULL = r"""
[helpdesk]
access = "customers"
types = ["incident", "question"]
first_response = "registration_notice"
auto_close = "3 business days"
sla_warning = 0.75

[targets]
normal = "8h"

[priorities.urgent]
first_response = "30m"
resolution = "4h"
calendar = "24/7"
label = { fr = "Urgent", nl = "Dringend", en = "Urgent" }
definition = { en = "Service down, no workaround" }

[[fields]]
id = "site_id"
type = "text"
label = { fr = "ID du site", en = "Site ID" }
pattern = '^\d{4}$'
required = { types = ["incident"], priorities = ["high"] }
types = ["incident", "question"]
seats = true

[[fields]]
id = "plan"
type = "select"
options = [{ value = "vps", label = { en = "VPS" } }]
required = true

[attachments]
max_file = "2MB"
max_ticket = "5MB"
"""


def test_a_full_helpdesk_file(tmp_path: Path) -> None:
    path = tmp_path / "chatdesk.toml"
    path.write_text(FULL)
    config = load_desk_config(path)
    hd = config.helpdesk
    assert hd.access == "customers" and hd.types == (TicketType.INCIDENT, TicketType.QUESTION)
    assert hd.first_response == "registration_notice" and hd.sla_warning == 0.75
    assert hd.auto_close == Target(days=3)
    urgent = hd.priorities["urgent"]
    assert urgent.first_response == Target(timedelta(minutes=30))
    assert urgent.resolution == Target(timedelta(hours=4)) and urgent.around_the_clock
    assert isinstance(config.calendar("urgent"), AroundTheClock)
    assert config.calendar("normal") is config.hours
    assert urgent.definition == {"en": "Service down, no workaround"}
    assert config.targets["normal"] == Target(timedelta(hours=8))  # [targets] still works
    assert hd.priorities["low"].resolution == Target(days=10)  # defaults kept
    site = hd.field("site_id")
    assert site is not None and site.seats and site.required_for("incident", "low")
    assert site.required_for("question", "high") and not site.required_for("question", "low")
    # Not asked on a complaint: never required there, not even by its priority.
    assert site.asked_for("question") and not site.asked_for("complaint")
    assert not site.required_for("complaint", "high")
    plan = hd.field("plan")
    assert plan is not None and plan.required and plan.options[0][0] == "vps"
    assert plan.asked_for("complaint")  # no types: every type
    assert (hd.attachments.max_file, hd.attachments.max_ticket) == (2 * 1024**2, 5 * 1024**2)


def test_defaults(tmp_path: Path) -> None:
    hd = load_desk_config(None).helpdesk
    assert hd.access == "open" and hd.auto_close == Target(days=5) and hd.sla_warning == 0.8
    assert [p.first_response for p in hd.priorities.values()] == [
        Target(timedelta(hours=1)), Target(timedelta(hours=4)), Target(days=1), Target(days=1),
    ]  # fmt: skip
    assert [p.resolution.days for p in hd.priorities.values()] == [1, 2, 5, 10]
    assert hd.offered == ("urgent", "high", "normal", "low") and hd.default_priority == "normal"
    assert load_desk_config(Path(__file__).parents[2] / "docs" / "chatdesk.example.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[helpdesk]\naccess = 'members'\n", "[helpdesk] access"),
        ("[helpdesk]\nacess = 'open'\n", "[helpdesk] unknown key 'acess'"),
        ("[helpdesk]\ntypes = ['bug']\n", "[helpdesk] types"),
        ("[helpdesk]\ntypes = []\n", "[helpdesk] types"),
        ("[helpdesk]\nauto_close = 'soon'\n", "[helpdesk] auto_close"),
        ("[helpdesk]\npriorities = []\n", "[helpdesk] priorities"),
        ("[helpdesk]\npriorities = ['high', 'high']\n", "[helpdesk] priorities"),
        ("[helpdesk]\npriorities = ['regular']\n", "[helpdesk] priorities"),
        ("[helpdesk]\nsla_warning = 1.5\n", "sla_warning"),
        ("[priorities.critical]\nresolution = '1h'\n", "critical"),
        ("[priorities.high]\nresolution = '2 days'\n", "[priorities.high] resolution"),
        ("[priorities.high]\ncalendar = 'weekdays'\n", "calendar"),
        ("[priorities.high]\nfirst_response = '1h'\n[targets]\nhigh = '2h'\n", "keep one"),
        ("[[fields]]\nid = 'Site ID'\ntype = 'text'\n", "[[fields]] #1 id"),
        ("[[fields]]\nid = 'x'\ntype = 'number'\n", "type"),
        ("[[fields]]\nid = 'x'\ntype = 'url'\npattern = 'a'\n", "[[fields]] x: pattern"),
        ("[[fields]]\nid = 'x'\ntype = 'text'\npattern = '('\n", "not a regular expression"),
        ("[[fields]]\nid = 'x'\ntype = 'select'\n", "options are required"),
        ("[[fields]]\nid = 'x'\ntype = 'text'\n[[fields]]\nid = 'x'\ntype = 'url'\n", "twice"),
        ("[[fields]]\nid = 'x'\ntype = 'text'\ncolour = 'red'\n", "unknown key 'colour'"),
        ("[[fields]]\nid = 'x'\ntype = 'text'\ntypes = ['bug']\n", "types"),
        (
            "[[fields]]\nid = 'x'\ntype = 'text'\ntypes = ['incident']\n"
            "required = { types = ['question'] }\n",
            "[[fields]] x: required for a type it is not asked for",
        ),
        ("[attachments]\nmax_file = '10 megs'\n", "[attachments] max_file"),
        ("[attachments]\nmax_file = '30MB'\n", "larger than max_ticket"),
    ],
)
def test_errors_name_the_table_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "chatdesk.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_desk_config(path)
    assert str(path) in info.value.message and message in info.value.message, info.value.message


def test_a_desk_may_offer_some_priorities_only(tmp_path: Path) -> None:
    path = tmp_path / "chatdesk.toml"
    path.write_text("[helpdesk]\npriorities = ['high', 'low']\n")
    hd = load_desk_config(path).helpdesk
    assert hd.offered == ("high", "low") and hd.default_priority == "high"
    assert hd.check_priority("low") == "low"
    with pytest.raises(InvalidPayload, match="priority must be one of: high, low"):
        hd.check_priority("urgent")
