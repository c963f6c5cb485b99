"""Portal sign-in by e-mail link and the form's proof of work, on a real store."""

from __future__ import annotations

import altcha
import pytest

from chatdesk.errors import InvalidPayload, InvalidToken, NotFound, RateLimited
from chatdesk.events import SignInRequested
from chatdesk.helpdesk import Challenges
from chatdesk.helpdesk.signin import LINK_TTL, SESSION_TTL
from chatdesk.models import format_ts
from chatdesk.services import Services
from chatdesk.store import Store

from ..desk import Clock
from ..forged import altered


async def _link(hd: Services, email: str = "ann@example.com") -> str:
    await hd.helpdesk.people.requester(email, name="Ann")
    events = await hd.helpdesk.signin.request(email, client="10.0.0.1", lang="nl")
    [event] = events
    assert isinstance(event, SignInRequested)
    assert event.link.startswith("/support/signin/") and event.lang == "nl"
    return event.link.rpartition("/")[2]


async def test_a_known_address_gets_a_link_that_works_once(hd: Services, clock: Clock) -> None:
    token = await _link(hd)
    assert (await hd.helpdesk.signin.check_link(token)).email == "ann@example.com"
    requester, session = await hd.helpdesk.signin.use_link(token)
    assert (await hd.helpdesk.signin.session(session)).id == requester.id
    with pytest.raises(InvalidToken) as used:
        await hd.helpdesk.signin.use_link(token)
    assert used.value.code == "link_used"


async def test_an_unknown_address_gets_nothing_and_no_error(hd: Services) -> None:
    assert await hd.helpdesk.signin.request("nobody@example.com", client="10.0.0.1") == []
    with pytest.raises(InvalidPayload):
        await hd.helpdesk.signin.request("not an address", client="10.0.0.1")


async def test_links_expire_after_15_minutes(hd: Services, clock: Clock) -> None:
    token = await _link(hd)
    clock.advance(seconds=LINK_TTL.total_seconds() + 1)
    for use in (hd.helpdesk.signin.check_link, hd.helpdesk.signin.use_link):
        with pytest.raises(InvalidToken) as expired:
            await use(token)
        assert expired.value.code == "link_expired"


async def test_forged_links_and_sessions_are_refused(hd: Services, clock: Clock) -> None:
    token = await _link(hd)
    for forged in (altered(token), "", "a" * 2000):
        with pytest.raises(InvalidToken):
            await hd.helpdesk.signin.use_link(forged)
    _, session = await hd.helpdesk.signin.use_link(token)
    with pytest.raises(InvalidToken):
        await hd.helpdesk.signin.session(altered(session))
    # A sign-in link is not a session, nor the reverse (salted apart).
    with pytest.raises(InvalidToken):
        await hd.helpdesk.signin.session(token)
    clock.advance(seconds=SESSION_TTL.total_seconds() + 1)
    with pytest.raises(InvalidToken):
        await hd.helpdesk.signin.session(session)


async def test_ending_sessions_ends_every_one_of_theirs_old_ones_too(
    hd: Services, clock: Clock
) -> None:
    signin = hd.helpdesk.signin
    _, laptop = await signin.use_link(await _link(hd))
    bob, bobs = await signin.use_link(await _link(hd, "bob@example.com"))
    ann = await signin.session(laptop)
    # A session made before sessions had versions names none: version 0, as theirs was.
    older = str(signin._sessions.dumps({"r": ann.id, "t": format_ts(clock())}))
    assert (await signin.session(older)).id == ann.id
    ended = await signin.end_sessions(ann)
    assert ended.session_version == ann.session_version + 1
    for gone in (laptop, older):
        with pytest.raises(InvalidToken) as refused:
            await signin.session(gone)
        assert refused.value.code == "session_ended"
    assert (await signin.session(signin.new_session(ended))).id == ann.id
    assert (await signin.session(bobs)).id == bob.id  # only hers
    # A new link gives a session of the new version.
    _, again = await signin.use_link(await _link(hd))
    assert (await signin.session(again)).id == ann.id
    await hd.helpdesk.people.forget("bob@example.com")
    with pytest.raises(NotFound):
        await signin.end_sessions(bob)


async def test_requests_are_throttled_per_address_quietly_and_per_client(hd: Services) -> None:
    await hd.helpdesk.people.requester("bob@example.com")
    sent = [await hd.helpdesk.signin.request("bob@example.com", client=f"c{i}") for i in range(5)]
    assert [len(events) for events in sent] == [1, 1, 1, 0, 0]
    for i in range(10):  # CLIENT_REQUESTS: 10 per window from one client
        await hd.helpdesk.signin.request(f"x{i}@example.com", client="c9")
    with pytest.raises(RateLimited):
        await hd.helpdesk.signin.request("bob@example.com", client="c9")


async def test_a_solved_challenge_is_accepted_once(store: Store) -> None:
    challenges = Challenges(store, "k" * 40, cost=10)
    challenge = altcha.Challenge.from_dict(challenges.create())
    solution = altcha.solve_challenge(challenge)
    assert solution is not None
    payload = altcha.Payload(challenge, solution).to_base64()
    await challenges.verify(payload)
    with pytest.raises(InvalidPayload) as replay:
        await challenges.verify(payload)
    assert replay.value.code == "challenge_used"
    # Signed with another desk's key, missing, or garbage: refused.
    other = Challenges(store, "o" * 40, cost=10)
    forged = altcha.Challenge.from_dict(other.create())
    forged_solution = altcha.solve_challenge(forged)
    assert forged_solution is not None
    for bad, code in [
        (altcha.Payload(forged, forged_solution).to_base64(), "challenge_failed"),
        ("", "challenge_missing"),
        ("bm90IGpzb24=", "challenge_failed"),
    ]:
        with pytest.raises(InvalidPayload) as refused:
            await challenges.verify(bad)
        assert refused.value.code == code
