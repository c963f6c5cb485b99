"""chatdesk.toml: defaults, a full file, and errors naming file and key."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from chatdesk.deskconfig import load_desk_config, parse_duration
from chatdesk.errors import ConfigError
from chatdesk.helpdeskconfig import Target

FULL = """
[desk]
name = "Ardenne Cloud"
departments = ["technical", "billing", "general"]
default_department = "general"

[hours]
timezone = "Europe/Amsterdam"
holidays = "NL"
closed = ["2026-12-24", 2026-12-31]

[hours.week]
monday = ["09:00-12:00", "13:00-17:30"]
friday = ["09:00-15:00"]

[targets]
urgent = "30m"
low = "2d"

[routing]
auto_assign = true
accept_timeout = "45s"
offline_grace = "2m"
default_capacity = 5
"""


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    config = load_desk_config(tmp_path / "nope.toml")
    assert config.hours.timezone == ZoneInfo("Europe/Brussels")
    assert config.targets["urgent"] == Target(timedelta(hours=1))
    assert config.targets["normal"] == Target(days=1)  # one business day
    assert config.default_department == "general"
    assert load_desk_config(None) == config


def test_full_file(tmp_path: Path) -> None:
    path = tmp_path / "chatdesk.toml"
    path.write_text(FULL)
    config = load_desk_config(path)
    assert config.name == "Ardenne Cloud"
    assert config.departments == ("technical", "billing", "general")
    assert config.hours.week[0] == ((time(9), time(12)), (time(13), time(17, 30)))
    assert config.hours.week[1] == () and config.hours.week[4] == ((time(9), time(15)),)
    assert config.hours.closed == {date(2026, 12, 24), date(2026, 12, 31)}
    assert config.hours.is_holiday(date(2026, 4, 27))  # King's Day in the Netherlands
    assert config.targets["urgent"] == Target(timedelta(minutes=30))
    assert config.targets["high"] == Target(timedelta(hours=4))  # default kept
    assert config.targets["low"] == Target(timedelta(days=2))  # 48 business hours
    assert config.routing.auto_assign and config.routing.default_capacity == 5
    assert config.routing.accept_timeout == timedelta(seconds=45)
    monday = datetime(2026, 11, 16, 12, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert not config.hours.is_open(monday)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[desk\n", "chatdesk.toml"),
        ("[desk]\nnaem = 'x'\n", "unknown key 'naem'"),
        ("[desk]\ndepartments = ['Billing Dept']\n", "not a slug"),
        ("[desk]\ndefault_department = 'sales'\ndepartments = ['billing']\n", "default_department"),
        ("[hours]\ntimezone = 'Mars/Olympus'\n", "timezone"),
        ("[hours.week]\nmonday = ['9-18']\n", "hours.week.monday"),
        ("[hours.week]\nmonday = []\n", "no open hours"),
        ("[hours]\nclosed = ['tomorrow']\n", "hours.closed"),
        ("[targets]\nurgent = 'soon'\n", "[targets] urgent"),
        ("[targets]\ncritical = '1h'\n", "unknown key 'critical'"),
        ("[routing]\ndefault_capacity = 0\n", "default_capacity"),
        ("[routing]\nauto_assign = 'yes'\n", "auto_assign"),
        ("[email]\nweekly_report = 'monday'\n", "weekly_report"),
        ("[hours]\nholidays = 'XX'\n", "holidays"),
        ("[phone]\nnumber = 'call us'\n", "[phone] number"),
        ("[phone]\nhours = ['09:00-12:00']\n", "[phone] hours need a number"),
        ("[phone]\nnumber = '+32 2 555 12 12'\nhours = ['9h-12h']\n", "phone.hours"),
        ("[phone]\nnumber = '02 555 12 12'\nhours = ['13:00-18:00', '09:00-12:00']\n", "in order"),
        ("[phone]\nnumber = '02 555 12 12'\nhours = ['09:00-13:00', '12:00-18:00']\n", "overlap"),
        ("[phone]\nnumber = '02 555 12 12'\npriorities = ['critical']\n", "priorities"),
        ("[helpdesk]\nmax_editors_per_site = 0\n", "max_editors_per_site"),
        ("[helpdesk]\nform_requires = ['fax']\n", "form_requires"),
        ("[departments.legal]\nlabel = { fr = 'Juridique' }\n", "[departments.legal]"),
        ("[departments.billing]\nlabel = { de = 'Rechnung' }\n", "Invalid enum value 'de'"),
        ("[departments.technical]\nhours = 'always'\n", "[departments.technical.hours] must be"),
        ("[departments.billing.hours]\nmonday = ['9-17']\n", "departments.billing.hours.monday"),
        ("[departments.billing.hours]\nfunday = ['09:00-17:00']\n", "funday"),
        ("[departments.billing.hours]\n", "[departments.billing.hours] the weekly schedule"),
    ],
)
def test_errors_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "chatdesk.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_desk_config(path)
    assert str(path) in info.value.message and message in info.value.message


def test_parse_duration() -> None:
    assert parse_duration("90s") == timedelta(seconds=90)
    assert parse_duration(" 1.5h ") == timedelta(minutes=90)
    with pytest.raises(ValueError, match="duration"):
        parse_duration("1 week")


def test_the_example_file_loads() -> None:
    example = Path(__file__).parent.parent / "docs" / "chatdesk.example.toml"
    config = load_desk_config(example)
    assert config.name == "Ardenne Cloud" and config.routing.default_capacity == 3


def test_the_phone_line_and_the_editors_cap(tmp_path: Path) -> None:
    path = tmp_path / "chatdesk.toml"
    assert load_desk_config(path).phone is None
    path.write_text(
        "[phone]\nnumber = '+33 1 84 80 12 34'\nhours = ['09:00-12:00', '13:30-18:00']\n"
        "priorities = ['urgent', 'high']\n[helpdesk]\nmax_editors_per_site = 3\n"
    )
    config = load_desk_config(path)
    assert config.helpdesk.max_editors_per_site == 3
    phone = config.phone
    assert phone is not None and phone.number == "+33 1 84 80 12 34"
    assert phone.shown_for("high") and not phone.shown_for("normal")
    assert phone.hours_text("fr") == "9:00-12:00 et 13:30-18:00"
    assert phone.hours_text("nl") == "9:00-12:00 en 13:30-18:00"
    assert phone.hours_text("en") == "9:00-12:00 and 13:30-18:00"
    # Without hours: those of the desk's first open day; urgent tickets by default.
    path.write_text("[phone]\nnumber = '02 555 12 12'\n[hours.week]\ntuesday = ['08:00-16:00']\n")
    phone = load_desk_config(path).phone
    assert phone is not None and phone.hours_text("en") == "8:00-16:00"
    assert phone.shown_for("urgent") and not phone.shown_for("high")


def test_department_names(tmp_path: Path) -> None:
    path = tmp_path / "chatdesk.toml"
    path.write_text(
        "[desk]\ndepartments = ['technical', 'hebergement', 'web-sites', 'legal']\n"
        "[departments.hebergement]\nlabel = { fr = 'Hébergement', en = 'Hosting' }\n"
        "[departments.technical]\nlabel = { fr = 'Support technique' }\n"
    )
    config = load_desk_config(path)
    names = {
        lang: [config.department_name(d, lang) for d in config.departments]
        for lang in ("fr", "nl", "en")
    }
    # Its own label, else English, else the usual name (technical), else the id readable.
    assert names["fr"] == ["Support technique", "Hébergement", "Web sites", "Legal"]
    assert names["nl"] == ["Support technique", "Hosting", "Web sites", "Legal"]
    assert load_desk_config(None).department_name("billing", "nl") == "Facturatie"


def test_a_department_may_keep_hours_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "chatdesk.toml"
    path.write_text(
        "[desk]\ndepartments = ['technical', 'billing', 'sales']\n"
        "[hours]\ntimezone = 'Europe/Paris'\nholidays = 'FR'\nclosed = ['2026-12-24']\n"
        "[departments.technical]\nhours = '24/7'\n"
        "[departments.billing.hours]\nmonday = ['09:00-12:00']\nfriday = ['14:00-17:00']\n"
    )
    config = load_desk_config(path)
    technical, billing = config.hours_of("technical"), config.hours_of("billing")
    # Round the clock: every hour of every day, holidays and closed dates included.
    assert all(day == ((time(0), time.max),) for day in technical.week)
    assert technical.country == "" and not technical.closed
    # Its own week, on the desk's time zone, holidays and closed dates.
    assert billing.week[0] == ((time(9), time(12)),) and billing.week[1] == ()
    assert billing.week[4] == ((time(14), time(17)),)
    assert (billing.timezone.key, billing.country) == ("Europe/Paris", "FR")
    assert billing.closed == config.hours.closed
    # Without hours of its own (or unknown): the desk's.
    assert config.hours_of("sales") is config.hours and config.hours_of(None) is config.hours
