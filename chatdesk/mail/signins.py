"""A sign-in from a browser new to the operator: a mail telling them when, from which
browser and address, and what to do if it was not them (Zammad's "new device" mail).

The browser is told apart by the console's device cookie (:mod:`chatdesk.sessions`);
the mail names it from its User-Agent in a few words of our own (never the header's
text itself, which the client chose). Usage::

    operators.new_device = SignInNotices(outbox, public_url=url).new_device
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from ..config import LANGUAGES
from ..deskconfig import DeskConfig
from ..models import Operator, format_ts, parse_ts, utcnow
from ..models.mail import OutboxMail
from ..systemtexts import format_when
from ..useragents import describe_agent
from .content import Content
from .passwords import MailQueue
from .stafftexts import staff_text as _t
from .texts import mail_text

__all__ = ["SIGN_IN", "SignInNotices", "describe_agent", "sign_in_content"]

#: The outbox kind of the mail.
SIGN_IN = "new_sign_in"


class SignInNotices:
    """Queue the mail of a sign-in from a new browser.

    :param outbox: the desk's outbox (stored before the sign-in's answer).
    """

    def __init__(
        self, outbox: MailQueue, *, public_url: str, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.outbox = outbox
        self.public_url = public_url.rstrip("/")
        self.clock = clock

    async def new_device(self, operator: Operator, client: str, agent: str) -> None:
        """Tell ``operator`` of their sign-in from ``client`` with ``agent``. One mail per
        browser and address an hour: signing in again and again on a browser that keeps
        no cookies does not flood them."""
        now = self.clock()
        browser, system = describe_agent(agent)
        seen = hashlib.sha256(f"{operator.id} {client} {agent}".encode()).hexdigest()[:16]
        data = {"when": format_ts(now), "name": operator.name, "browser": browser,
                "system": system, "client": client[:64],
                "link": f"{self.public_url}/console/account#sessions-h"}  # fmt: skip
        lang = next((lang for lang in operator.languages if lang in LANGUAGES), "en")
        key = f"{SIGN_IN}:{seen}:{now:%Y%m%d%H}"
        mail = OutboxMail(SIGN_IN, operator.email, lang, now, data=data, key=key)
        await self.outbox.enqueue([mail])  # stored before the sign-in is answered


def sign_in_content(mail: OutboxMail, config: DeskConfig) -> Content:
    """Return what the mail says."""
    lang, data, desk = mail.lang, mail.data, config.name
    when = format_when(parse_ts(str(data["when"])), lang, config.hours.timezone)
    browser, system = str(data.get("browser", "")), str(data.get("system", ""))
    if browser and system:
        device = _t(lang, "signin_browser_on", browser=browser, system=system)
    else:
        device = browser or system or _t(lang, "signin_unknown_browser")
    return Content(
        subject=_t(lang, "signin_subject", desk=desk),
        greeting=mail_text(lang, "hello", name=str(data.get("name", ""))),
        paragraphs=(
            _t(lang, "signin_1", desk=desk, when=when),
            _t(lang, "signin_2"),
        ),
        details=(
            (_t(lang, "signin_device"), device),
            (_t(lang, "signin_address"), str(data.get("client", ""))),
        ),
        action=(_t(lang, "signin_action"), str(data.get("link", ""))),
        footer=_t(lang, "reset_footer", desk=desk),
    )
