"""Three real ``chatdesk serve`` processes, one desk: fan-out, claims, crashes, jobs."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import socketio

from .clients import OperatorClient, VisitorClient
from .cluster import ALWAYS_OPEN, Cluster, clusters, login

MakeCluster = Callable[..., Cluster]


@pytest.fixture(scope="module")
def desk(
    tmp_path_factory: pytest.TempPathFactory,
    redis_server: str,
    cluster_databases: Callable[[], str],
) -> Iterator[Cluster]:
    """Processes A, B and C of one desk, with operators Ann, Bob and Cyd (tests share it:
    starting processes is what takes time here)."""
    root = tmp_path_factory.mktemp("cluster")
    with clusters(root, f"{redis_server}/1", cluster_databases) as make:
        cluster = make()
        cluster.add_operators("Ann", "Bob", "Cyd")
        cluster.start("A", "B", "C")
        yield cluster


async def operator_on(cluster: Cluster, node: str, email: str) -> OperatorClient:
    """Log in on ``node`` and open the console's socket there."""
    url = cluster[node].url
    client = OperatorClient(url)
    await client.connect(None, headers={"Cookie": await login(url, email)})
    return client


async def visitor_on(cluster: Cluster, node: str, **auth: Any) -> VisitorClient:
    client = VisitorClient(cluster[node].url)
    await client.connect({"lang": "fr", **auth})
    return client


async def next_matching(client: VisitorClient, event: str, match: Callable[[Any], bool]) -> Any:
    """Wait for the next ``event`` that matches (skipping the others)."""
    while True:
        payload = await client.next(event)
        if match(payload):
            return payload


async def close_all(*clients: VisitorClient) -> None:
    for client in clients:
        await client.close()


async def test_escalation_on_a_reaches_b_live_then_they_talk_both_ways(desk: Cluster) -> None:
    cluster = desk
    operator = await operator_on(cluster, "B", "ann@desk.test")
    visitor = await visitor_on(cluster, "A")
    try:
        cid = visitor.session["conversation_id"]
        await visitor.say("Ma facture est fausse")
        ack = await visitor.call("escalate", {})
        assert ack["ok"] and ack["state"]["mode"] == "queued", ack

        # Published on A, seen live by the console connected to B.
        summary = await next_matching(operator, "conversation", lambda s: s["id"] == cid)
        assert summary["mode"] == "queued"
        watched = await operator.call("watch", {"conversation_id": cid})
        assert watched["ok"], watched
        claimed = await operator.call("claim", {"conversation_id": cid})
        assert claimed["ok"], claimed
        joined = await next_matching(
            visitor, "message", lambda m: m.get("event") == "operator_joined"
        )
        assert joined["operator"]["name"] == "Ann", joined

        sent = await operator.call(
            "message", {"conversation_id": cid, "client_id": "op-1", "text": "Je regarde"}
        )
        assert sent["ok"], sent
        heard = await next_matching(visitor, "message", lambda m: m["author"] == "operator")
        assert heard["text"] == "Je regarde"

        said = await visitor.say("Merci !")
        seen = await next_matching(operator, "message", lambda m: m["seq"] == said["seq"])
        assert (seen["author"], seen["text"]) == ("visitor", "Merci !")
        # Each process logs JSON lines naming itself (CHATDESK_LOG_FORMAT=json).
        for name in ("A", "B"):
            records = [r for r in cluster[name].records if "message" in r]
            assert records and all(r["process"] == name for r in records)
    finally:
        await close_all(visitor, operator)


async def test_two_operators_on_b_and_c_claim_at_once_and_one_wins(desk: Cluster) -> None:
    cluster = desk
    bob = await operator_on(cluster, "B", "bob@desk.test")
    cyd = await operator_on(cluster, "C", "cyd@desk.test")
    # Three: whoever wins them all stays within the default capacity.
    visitors = [await visitor_on(cluster, "A") for _ in range(3)]
    try:
        for visitor in visitors:
            await visitor.say("J'ai besoin d'aide")
            assert (await visitor.call("escalate", {}))["ok"]
        for visitor in visitors:
            cid = visitor.session["conversation_id"]
            acks = await asyncio.gather(
                bob.call("claim", {"conversation_id": cid}),
                cyd.call("claim", {"conversation_id": cid}),
            )
            wins = [a for a in acks if a["ok"]]
            losses = [a for a in acks if not a["ok"]]
            assert len(wins) == 1 and len(losses) == 1, acks
            assert losses[0]["error"]["code"] == "already_claimed", acks
    finally:
        await close_all(bob, cyd, *visitors)


async def test_a_block_on_b_reaches_the_visitor_on_a_and_holds_on_c(desk: Cluster) -> None:
    cluster = desk
    ann = await operator_on(cluster, "B", "ann@desk.test")
    visitor = await visitor_on(cluster, "A")
    again = VisitorClient(cluster["C"].url)
    try:
        cid = visitor.session["conversation_id"]
        await visitor.say("Vous êtes tous nuls")
        assert (await visitor.call("escalate", {}))["ok"]
        assert (await ann.call("claim", {"conversation_id": cid}))["ok"]
        blocked = await ann.call("block_visitor", {"conversation_id": cid, "days": 1})
        assert blocked == {"ok": True}, blocked
        # Emitted on B, heard by the visitor's tab on A (the widget then closes itself).
        assert "until" in await visitor.next("blocked")
        # Stored: C refuses the token too.
        with pytest.raises(socketio.exceptions.ConnectionError):
            await again.connect({"lang": "fr", "token": visitor.token})
        assert again.connect_error["message"] == "blocked"
    finally:
        await close_all(visitor, again, ann)


AUTO_ASSIGN = ALWAYS_OPEN + '[routing]\nauto_assign = true\naccept_timeout = "1s"\n'


async def test_each_offer_timeout_fires_once_and_the_job_survives_its_holder(
    make_cluster: MakeCluster,
) -> None:
    cluster = make_cluster(AUTO_ASSIGN)
    cluster.add_operators("Ann", "Bob", "Cyd")
    cluster.start("A", "B", "C")
    taken = "^job routing runs in this process now$"
    await cluster.wait_until(lambda: bool(cluster.messages(taken)))
    ((holder, _),) = cluster.messages(taken)
    first, second = sorted({"A", "B", "C"} - {holder})
    # People use the other two processes: the holder's will die.
    operators = [
        await operator_on(cluster, node, email)
        for node, email in ((first, "ann@desk.test"), (second, "bob@desk.test"),
                            (second, "cyd@desk.test"))
    ]  # fmt: skip
    ids = [o.session["operator"]["id"] for o in operators]
    visitors = [await visitor_on(cluster, first) for _ in range(6)]
    conversations = {v.session["conversation_id"] for v in visitors}
    expected = {(c, o) for c in conversations for o in ids}

    def expired() -> Counter[tuple[str, str]]:
        return Counter(
            (r["conversation_id"], r["operator_id"])
            for _, r in cluster.messages("^offer of .* expired$")
        )

    try:
        for visitor in visitors:
            await visitor.say("Il me faut quelqu'un")
            assert (await visitor.call("escalate", {}))["ok"]
        # Each round, every conversation is offered to the next operator (by name), nobody
        # accepts, and the routing job withdraws the offers. The first round is the
        # holder's...
        await cluster.wait_until(lambda: len(expired()) >= len(conversations))
        assert {node for node, _ in cluster.messages("^offer of")} == {holder}
        # ...then it dies, and another process takes the job over once its lease expired.
        # The kill may fall between two lines of the holder's last batch: what it expired
        # without saying so is in the store (read before anyone else holds the job).
        cluster[holder].kill()
        declined = await cluster.declines(conversations)
        assert set(expired()) <= declined  # every expiry said so far is stored
        unsaid = declined - set(expired())
        await cluster.wait_until(lambda: set(expired()) | unsaid == expected)
        takers = [node for node, _ in sorted(cluster.messages(taken), key=lambda t: t[1]["time"])]
        assert takers[0] == holder and len(takers) == 2 and takers[1] != holder, takers
        assert all(n == 1 for n in expired().values()), expired()
        # Nobody is offered a conversation twice. (Offers the killed holder stored but had
        # not yet published are withdrawn in time all the same, unseen.)
        for operator in operators:
            offered = Counter(o["conversation"]["id"] for o in operator.pending("offer"))
            assert set(offered) <= conversations and set(offered.values()) <= {1}, offered
    finally:
        await close_all(*operators, *visitors)


async def test_visitors_lose_no_acked_message_when_their_process_is_killed(
    desk: Cluster,
) -> None:
    # Runs last in this module: it kills the shared desk's process A.
    cluster = desk
    # A few handshakes at a time, as the replays below: 200 at once can outlast a
    # client's wait on a busy machine, and that is not what this test checks. One that
    # fails leaves none of the others open.
    arriving = asyncio.Semaphore(20)
    visitors: list[VisitorClient] = []

    async def arrive() -> None:
        async with arriving:
            client = VisitorClient(cluster["A"].url)
            visitors.append(client)
            await client.connect({"lang": "en"})

    try:
        await asyncio.gather(*(arrive() for _ in range(200)))
    except BaseException:
        await close_all(*visitors)
        raise
    acked: dict[str, list[tuple[int, str]]] = {v.token: [] for v in visitors}
    total = 0
    enough = asyncio.Event()

    async def chat(visitor: VisitorClient) -> None:
        nonlocal total
        for i in range(1000):
            client_id = f"{visitor.session['visitor_id']}-{i}"
            try:
                ack = await visitor.call(
                    "message", {"client_id": client_id, "text": f"message {i}"}, timeout=3
                )
            except Exception:  # A died under this call: not acked, maybe stored
                return
            assert ack["ok"], ack
            acked[visitor.token].append((ack["message"]["seq"], client_id))
            total += 1
            if total >= 600:
                enough.set()

    chats = [asyncio.ensure_future(chat(v)) for v in visitors]
    await asyncio.wait_for(enough.wait(), 60)
    cluster["A"].kill()
    await asyncio.gather(*chats)
    await close_all(*visitors)

    # What is checked is what was kept, not how fast 200 replays start together on a
    # busy machine: a few resume at a time.
    resuming = asyncio.Semaphore(20)

    async def resume(token: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        async with resuming:
            client = VisitorClient(cluster["C"].url)
            await client.connect({"token": token, "since": 0, "lang": "en"})
            replay: list[dict[str, Any]] = []
            while len(replay) < client.session["seq"]:
                replay.append(await client.next("message"))
            await client.close()
        return client.session, replay

    resumed = await asyncio.gather(*(resume(token) for token in acked))
    for (session, replay), sent in zip(resumed, acked.values(), strict=True):
        seqs = [m["seq"] for m in replay]
        assert seqs == list(range(1, session["seq"] + 1))  # in order, no gap, none twice
        stored = [m["client_id"] for m in replay]
        assert len(set(stored)) == len(stored)
        # Every acked message is there, at the seq its ack gave.
        assert all(replay[seq - 1]["client_id"] == cid for seq, cid in sent)
    assert total >= 600
