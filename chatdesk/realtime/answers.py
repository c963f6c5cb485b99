"""The ``/operator`` namespace's help-centre answers: what to quote in a reply, and what
was quoted (docs/operators.md, "Answers from the help centre")."""

from __future__ import annotations

from typing import Any

from ..models import Operator
from ..services import Services
from ..wire import decode
from ..wire.operator import AnswersIn, QuotedIn
from .namespace import BaseNamespace, acked

__all__ = ["AnswerEvents"]


class AnswerEvents(BaseNamespace):
    """Handlers of ``answers`` and ``answer_quoted``;
    :class:`~chatdesk.realtime.OperatorNamespace` inherits them."""

    services: Services

    async def _operator(self, sid: str) -> Operator:
        raise NotImplementedError  # the namespace's own: session, account, flood bucket

    @acked
    async def on_answers(self, sid: str, data: Any) -> dict[str, Any]:
        """Return the help centre's answers to ``q`` for a reader of ``lang``, with links
        on the address the console reached the desk at (kept in the session)."""
        request = decode(AnswersIn, data, "answers")
        operator = await self._operator(sid)
        session = await self.get_session(sid)
        found = await self.services.help.answers(
            request.q,
            request.lang,
            client=operator.id,
            base_url=str(session.get("base", "")),
            searched=request.typed,
        )
        return {"query": " ".join(request.q.split()), "answers": [a.to_payload() for a in found]}

    @acked
    async def on_answer_quoted(self, sid: str, data: Any) -> dict[str, Any]:
        """Count an answer an operator put in a reply (the help centre's report)."""
        request = decode(QuotedIn, data, "answer_quoted")
        operator = await self._operator(sid)
        await self.services.help.quoted(request.id, request.lang, client=operator.id)
        return {}
