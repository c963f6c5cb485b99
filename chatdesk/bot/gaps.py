"""Learn from misses: group what the bot missed by meaning and propose knowledge to add.

Misses (no answer, 👎, escalations) are embedded with the same sentence encoder as the
knowledge, grouped greedily (a miss joins the group whose centre is closest in meaning, if
close enough), and each group is compared with every entry's questions: close to an entry,
it is proposed as more questions of that entry; far from all, as a new entry. Each proposal
comes with a YAML snippet to review and paste: the knowledge stays in files under version
control, nothing is written to it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import yaml

from ..models import Miss
from .brain import Bot
from .embeddings import Embedder
from .normalize import normalize

__all__ = ["Gap", "find_gaps"]

#: Two misses this close in meaning (cosine of their embeddings) ask the same thing
#: (paraphrases score 0.55-0.85 with this encoder, unrelated questions under 0.3).
SAME_QUESTION = 0.5
#: A group this close to an entry's nearest question is proposed as more of its questions.
NEAR_ENTRY = 0.5
_EXAMPLES = 5


@dataclass(slots=True)
class Gap:
    """A group of misses that mean the same, and what to do about it."""

    misses: list[Miss]
    lang: str
    entry_id: str | None  # the nearest entry
    similarity: float  # to the nearest entry's closest question
    proposal: str  # "add_questions" or "new_entry"
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        """Return how many misses the group holds."""
        return len(self.misses)

    @property
    def examples(self) -> list[str]:
        """Return up to five distinct visitor texts, the most typical first."""
        seen: dict[str, None] = {}
        for miss in self.misses:
            seen.setdefault(miss.text.strip(), None)
        return list(seen)[:_EXAMPLES]

    def by_lang(self) -> dict[str, list[str]]:
        """Return up to five distinct texts per language, the group's language first."""
        texts: dict[str, dict[str, None]] = {self.lang: {}}
        for miss in self.misses:
            texts.setdefault(miss.lang or self.lang, {}).setdefault(miss.text.strip(), None)
        return {lang: list(found)[:_EXAMPLES] for lang, found in texts.items() if found}

    def snippet(self, source: str = "") -> str:
        """Return a YAML snippet for the knowledge, with a comment saying where it goes."""
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.kinds.items()))
        head = f"# {self.count} misses ({kinds}); nearest entry `{self.entry_id}`"
        head += f" (similarity {self.similarity:.2f})\n"
        texts = self.by_lang()
        body: dict[str, Any]
        if self.proposal == "add_questions":
            where = f" in {source}" if source else ""
            langs = ", ".join(f"`{lang}.questions`" for lang in texts)
            head += f"# Add to entry `{self.entry_id}`{where}, under {langs}:\n"
            body = {"id": self.entry_id, **{lang: {"questions": q} for lang, q in texts.items()}}
        else:
            head += "# A new entry: write its answers, check the id, add the other languages.\n"
            body = {"id": _slug(next(iter(texts.values()))[0])}
            for lang, questions in texts.items():
                body[lang] = {"questions": questions, "answer": "TODO: the answer"}
        text = yaml.safe_dump([body], allow_unicode=True, sort_keys=False, width=100)
        return head + text

    def to_json(self) -> dict[str, Any]:
        """Return the group as a JSON-ready dict."""
        return {
            "count": self.count,
            "kinds": self.kinds,
            "lang": self.lang,
            "proposal": self.proposal,
            "entry_id": self.entry_id,
            "similarity": round(self.similarity, 3),
            "examples": self.examples,
            "first": min(m.ts for m in self.misses).isoformat(),
            "last": max(m.ts for m in self.misses).isoformat(),
        }


def find_gaps(
    bot: Bot, misses: Sequence[Miss], *, embedder: Embedder, min_count: int = 2
) -> list[Gap]:
    """Return the groups of at least ``min_count`` misses, largest first.

    Requests for a person ("un conseiller") and small talk ("merci") are left out: they
    are not questions the knowledge should answer.
    """
    kept = [
        m
        for m in misses
        if normalize(m.text)
        and not bot.human(m.text)
        and bot.small_talk.match(m.text, m.lang or "en") is None
    ]
    if not kept:
        return []
    vectors = embedder.encoder.encode([m.text for m in kept])
    groups = _group(vectors)
    entry_ids, questions = _questions(bot, embedder)
    gaps = []
    for members in groups:
        if len(members) < min_count:
            continue
        centre = vectors[members].mean(axis=0)
        centre /= float(np.linalg.norm(centre)) or 1.0
        order = sorted(members, key=lambda i: -float(vectors[i] @ centre))
        group = [kept[i] for i in order]
        entry_id, similarity = None, 0.0
        if len(entry_ids):
            scores = questions @ centre
            best = int(np.argmax(scores))
            entry_id, similarity = entry_ids[best], float(scores[best])
        gaps.append(
            Gap(
                misses=group,
                lang=Counter(m.lang or "en" for m in group).most_common(1)[0][0],
                entry_id=entry_id,
                similarity=similarity,
                proposal="add_questions" if similarity >= NEAR_ENTRY else "new_entry",
                kinds=dict(Counter(m.kind for m in group)),
            )
        )
    gaps.sort(key=lambda g: (-g.count, -max(m.ts for m in g.misses).timestamp()))
    return gaps


def _group(vectors: np.ndarray) -> list[list[int]]:
    """Group rows greedily: each joins the closest group centre within SAME_QUESTION."""
    sums: list[np.ndarray] = []
    members: list[list[int]] = []
    for i, vector in enumerate(vectors):
        if sums:
            centres = np.vstack(sums)
            centres /= np.linalg.norm(centres, axis=1, keepdims=True)
            scores = centres @ vector
            best = int(np.argmax(scores))
            if scores[best] >= SAME_QUESTION:
                sums[best] = sums[best] + vector
                members[best].append(i)
                continue
        sums.append(vector.copy())
        members.append([i])
    return members


def _questions(bot: Bot, embedder: Embedder) -> tuple[list[str], np.ndarray]:
    """Return (entry id, embedding) of every question of the knowledge, in any language."""
    ids: list[str] = []
    texts: list[str] = []
    for entry in bot.knowledge.entries.values():
        for block in entry.langs.values():
            ids.extend([entry.id] * len(block.questions))
            texts.extend(block.questions)
    return ids, embedder.embed(texts) if texts else np.zeros((0, embedder.dim))


def _slug(text: str) -> str:
    words = re.sub(r"[^a-z0-9 ]", "", normalize(text)).split()[:5]
    return "-".join(words) or "new-entry"
