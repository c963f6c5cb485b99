"""Knowledge for the help centre: `public`, topic titles, articles and their images."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from chatdesk.bot.knowledge import KnowledgeError, load_knowledge
from chatdesk.bot.markdown import render_article

SHIPPED = Path(__file__).parent.parent / "knowledge"
PNG = (SHIPPED / "media" / "password-reset-form.png").read_bytes()

ENTRY = """\
entries:
  - id: reset
    fr:
      questions: ["Comment changer mon mot de passe ?"]
      answer: Allez sur la page de réinitialisation.
      article: {article}
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors_of(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(directory)
    return [str(p) for p in info.value.problems if not p.warning]


def test_public_defaults_to_true_and_can_be_turned_off(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        """\
        entries:
          - id: shown
            fr: {questions: [Un], answer: Réponse.}
          - id: hidden
            public: false
            fr: {questions: [Deux], answer: Réponse.}
        """,
    )
    knowledge = load_knowledge(tmp_path)
    assert knowledge.entries["shown"].public and not knowledge.entries["hidden"].public


def test_public_must_be_a_boolean(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.yaml",
        """\
        entries:
          - id: one
            public: "no"
            fr: {questions: [Un], answer: Réponse.}
        """,
    )
    assert f"{path}:3: `public` must be true or false" in errors_of(tmp_path)


def test_topics_keep_file_order_with_titles_per_language(tmp_path: Path) -> None:
    write(
        tmp_path,
        "b-billing.yaml",
        """\
        topic: {fr: Facturation, nl: Facturatie, en: Billing}
        entries:
          - id: invoices
            fr: {questions: [Factures], answer: Réponse.}
          - id: vat
            fr: {questions: [TVA], answer: Réponse.}
        """,
    )
    write(
        tmp_path,
        "a-account.yaml",
        "topic: Compte\nentries:\n  - id: reset\n    fr: {questions: [Mot de passe], answer: R.}\n",
    )
    write(
        tmp_path,
        "c-misc.yaml",
        "entries:\n  - id: misc\n    fr: {questions: [Divers], answer: R.}\n",
    )
    topics = load_knowledge(tmp_path).topics
    assert [(t.slug, t.entry_ids) for t in topics] == [
        ("a-account", ("reset",)),
        ("b-billing", ("invoices", "vat")),
        ("c-misc", ("misc",)),
    ]
    assert topics[0].title("nl") == "Compte"  # one title: every language
    assert [topics[1].title(lang) for lang in ("fr", "nl", "en")] == [
        "Facturation",
        "Facturatie",
        "Billing",
    ]
    assert topics[2].title("fr") == "c-misc"  # no title: the slug


def test_topic_titles_in_unknown_languages_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.yaml",
        "topic: {fr: Compte, de: Konto}\nentries:\n"
        "  - id: a\n    fr: {questions: [Un], answer: R.}\n",
    )
    errors = errors_of(tmp_path)
    assert any(e.startswith(f"{path}:1: unknown key `de` in `topic`") for e in errors), errors


def test_an_article_is_read_with_its_images(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", ENTRY.format(article="reset.fr.md"))
    write(
        tmp_path,
        "reset.fr.md",
        "## Étapes\n\n1. Ouvrez la page.\n\n   ![Le formulaire](media/forms/reset.png)\n",
    )
    (tmp_path / "media" / "forms").mkdir(parents=True)
    (tmp_path / "media" / "forms" / "reset.png").write_bytes(PNG)
    block = load_knowledge(tmp_path).entries["reset"].langs["fr"]
    assert block.answer == "Allez sur la page de réinitialisation."  # the bot's stays short
    assert block.article.startswith("## Étapes")
    assert block.images == ("media/forms/reset.png",)


def test_an_edited_article_is_a_new_version(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", ENTRY.format(article="reset.fr.md"))
    article = write(tmp_path, "reset.fr.md", "Première version.\n")
    before = load_knowledge(tmp_path).version
    article.write_text("Deuxième version.\n", encoding="utf-8")
    assert load_knowledge(tmp_path).version != before


@pytest.mark.parametrize(
    "name", ["../outside.md", "sub/reset.md", "reset.txt", "/etc/passwd", "Reset.md"]
)
def test_article_names_must_be_plain_markdown_files_beside_the_topic(
    tmp_path: Path, name: str
) -> None:
    path = write(tmp_path, "a.yaml", ENTRY.format(article=name))
    assert (
        f"{path}:6: entry `reset` (fr): `article` must name a Markdown file beside this one "
        "(lowercase letters, digits, `.`, `-`, `_`; ending in `.md`)"
    ) in errors_of(tmp_path)


def test_a_missing_article_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", ENTRY.format(article="nowhere.md"))
    assert (
        f"{path}:6: entry `reset` (fr): article `nowhere.md` is not a file beside {path}"
    ) in errors_of(tmp_path)


def test_an_article_linked_from_outside_the_directory_is_refused(tmp_path: Path) -> None:
    knowledge, outside = tmp_path / "knowledge", tmp_path / "secret.md"
    outside.write_text("secret", encoding="utf-8")
    path = write(knowledge, "a.yaml", ENTRY.format(article="reset.md"))
    (knowledge / "reset.md").symlink_to(outside)
    assert any(e.startswith(f"{path}:6: entry `reset` (fr): article") for e in errors_of(knowledge))


def test_empty_and_non_utf8_articles_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", ENTRY.format(article="reset.md"))
    article = tmp_path / "reset.md"
    article.write_text("  \n", encoding="utf-8")
    assert f"{article}:1: the article of entry `reset` (fr) is empty" in errors_of(tmp_path)
    article.write_bytes(b"Ligne un\nD\xe9j\xe0 vu\n")
    assert f"{article}:2: not UTF-8 text" in errors_of(tmp_path)


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("![Un schéma](https://tracker.example/x.png)", "image `https://tracker.example/x.png`: "),
        ("![Un schéma](../media/x.png)", "image `../media/x.png`: only images in the `media/`"),
        ("![Un schéma](media/../a.yaml)", "image `media/../a.yaml`: only images in the `media/`"),
        ("![Un schéma](media/script.svg)", "image `media/script.svg`: only images"),
        ("![Un schéma](media/missing.png)", "image `media/missing.png` not found in "),
        ("![Un schéma](media/fake.png)", "image `media/fake.png` is not a PNG image"),
        ("![](media/ok.png)", "image `media/ok.png` needs a description: ![what it shows]"),
    ],
)
def test_bad_images_are_refused_with_the_articles_line(
    tmp_path: Path, markdown: str, message: str
) -> None:
    write(tmp_path, "a.yaml", ENTRY.format(article="reset.md"))
    article = write(tmp_path, "reset.md", f"# Titre\n\nTexte.\n\n{markdown}\n")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "ok.png").write_bytes(PNG)
    (tmp_path / "media" / "fake.png").write_bytes(b"#!/bin/sh\nrm -rf /\n")
    errors = errors_of(tmp_path)
    assert any(e.startswith(f"{article}:5: {message}") for e in errors), errors


def test_an_article_of_a_bot_only_entry_is_a_warning(tmp_path: Path) -> None:
    text = ENTRY.format(article="reset.md").replace(
        "  - id: reset\n", "  - id: reset\n    public: false\n"
    )
    path = write(tmp_path, "a.yaml", text)
    write(tmp_path, "reset.md", "Texte.\n")
    warnings = [str(w) for w in load_knowledge(tmp_path).warnings]
    assert f"{path}:7: warning: entry `reset` (fr) is not public: its article is never shown" in (
        warnings
    )


def test_articles_render_safely() -> None:
    html = render_article(
        "# Titre\n\nTexte <script>alert(1)</script> et [lien](javascript:alert(1)).\n\n"
        "![Le formulaire](media/reset.png)\n\n![Traceur](https://tracker.example/t.png)\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "/help/media/",
    )
    assert "<h2>Titre</h2>" in html and "<h1>" not in html  # the page's title is its h1
    assert "<script>" not in html and "href" not in html.partition("<img")[0]
    assert '<img src="/help/media/reset.png" alt="Le formulaire" loading="lazy">' in html
    assert "tracker.example" not in html and "Traceur" in html  # only its description
    assert "<table>" in html and "<td>1</td>" in html


def test_the_shipped_article_loads_with_its_image(tmp_path: Path) -> None:
    shutil.copytree(SHIPPED, tmp_path / "knowledge")
    entry = load_knowledge(tmp_path / "knowledge").entries["password-reset"]
    for lang in ("fr", "nl", "en"):
        assert entry.langs[lang].images == ("media/password-reset-form.png",)
        assert entry.article_path(lang) == f"/help/{lang}/password-reset"
