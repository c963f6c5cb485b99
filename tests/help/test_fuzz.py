"""Malformed input thrown at the help centre's endpoints (hypothesis): always a clear
answer (never a 500), errors of the JSON endpoints as ``{"code", "message"}``."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chatdesk.throttle import Throttle
from chatdesk.web.appkeys import SERVICES
from chatdesk.wire.base import ErrorOut

from ..test_fuzz import JSON
from .conftest import HelpDesk

pytestmark = pytest.mark.asyncio(loop_scope="module")

FUZZ = hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT = st.text(max_size=600) | st.sampled_from(["fr", "nl", "en", "de", "", "invoices", "../x"])
DEFLECT = JSON | st.dictionaries(st.sampled_from(["entry_id", "lang", "q", "zz"]), JSON | TEXT)
QUERY = st.dictionaries(st.sampled_from(["q", "lang", "voted", "zz"]), TEXT, max_size=4)


def fresh(desk: HelpDesk) -> None:
    desk.app[SERVICES].help.throttle = Throttle()  # each example counts alone


@FUZZ
@given(payload=DEFLECT)
async def test_deflect_answers_anything_clearly(desk: HelpDesk, payload: Any) -> None:
    fresh(desk)
    response = await desk.post(
        "/help/deflect",
        data=msgspec.json.encode(payload),
        headers={"Content-Type": "application/json"},
    )
    assert response.status in (204, 400, 404, 413), payload
    if response.status != 204:
        error = msgspec.json.decode(await response.read(), type=ErrorOut)
        assert error.code and error.message


@FUZZ
@given(params=QUERY)
async def test_suggest_answers_anything_clearly(desk: HelpDesk, params: dict[str, str]) -> None:
    fresh(desk)
    response = await desk.get("/help/suggest", params=params)
    assert response.status in (200, 400), params
    if response.status == 400:
        assert msgspec.json.decode(await response.read(), type=ErrorOut).code


@FUZZ
@given(params=QUERY, lang=st.sampled_from(["fr", "nl", "en"]))
async def test_the_search_page_answers_anything_clearly(
    desk: HelpDesk, params: dict[str, str], lang: str
) -> None:
    fresh(desk)
    response = await desk.get(f"/help/{lang}", params=params)
    assert response.status in (200, 400), params
    assert f'<html lang="{lang}">' in await response.text()
