"""Quoted history and signatures, as real mail clients write them in fr, nl and en."""

from __future__ import annotations

import pytest

from chatdesk.mail.quotes import strip_quotes

OURS = "> Bonjour Léa,\n>\n> Nous avons bien reçu votre demande #000001.\n> -- \n> Ardenne Cloud\n"
NEW = "Voici l'ID du site : 1234.\nMerci !"

ATTRIBUTIONS = {
    # Gmail
    "gmail en": "On Tue, Nov 17, 2026 at 10:30 AM Ardenne Support <support@desk.test> wrote:",
    "gmail fr": "Le mar. 17 nov. 2026 à 10:30, Ardenne Support <support@desk.test> a écrit :",
    "gmail nl": "Op di 17 nov 2026 om 10:30 schreef Ardenne Support <support@desk.test>:",
    "gmail en wrapped": "On Tue, Nov 17, 2026 at 10:30 AM Ardenne Support <\n"
    "support@desk.test> wrote:",
    "gmail fr wrapped": "Le mar. 17 nov. 2026 à 10:30, Ardenne Support <support@desk.test>\n"
    "a écrit :",
    # Thunderbird
    "thunderbird en": "On 17/11/2026 10:30, Ardenne Support wrote:",
    "thunderbird fr": "Le 17/11/2026 à 10:30, Ardenne Support a écrit :",
    "thunderbird nl": "Op 17-11-2026 om 10:30 schreef Ardenne Support:",
    # Apple Mail
    "apple en": "On 17 Nov 2026, at 10:30, Ardenne Support <support@desk.test> wrote:",
    "apple fr": "Le 17 nov. 2026 à 10:30, Ardenne Support <support@desk.test> a écrit :",
    "apple nl": "Op 17 nov. 2026, om 10:30 heeft Ardenne Support <support@desk.test> het "
    "volgende geschreven:",
}


@pytest.mark.parametrize("client", sorted(ATTRIBUTIONS))
def test_the_history_under_an_attribution_line_goes(client: str) -> None:
    reply = f"{NEW}\n\n{ATTRIBUTIONS[client]}\n\n{OURS}"
    assert strip_quotes(reply) == NEW


OUTLOOK = {
    "en": "________________________________\nFrom: Ardenne Support <support@desk.test>\n"
    "Sent: Tuesday, November 17, 2026 10:30 AM\nTo: Léa Dupont <lea@example.be>\n"
    "Subject: [#000001] Site en panne\n\nHello Léa,",
    # French Outlook puts a no-break space before its colons.
    "fr": "De\xa0: Ardenne Support <support@desk.test>\nEnvoyé\xa0: mardi 17 novembre 2026 "
    "10:30\nÀ\xa0: Léa Dupont <lea@example.be>\nObjet\xa0: [#000001] Site en panne\n\nBonjour,",
    "nl": "Van: Ardenne Support <support@desk.test>\nVerzonden: dinsdag 17 november 2026 10:30\n"
    "Aan: Léa Dupont <lea@example.be>\nOnderwerp: [#000001] Site en panne\n\nBeste Léa,",
    "bold": "*From:* Ardenne Support <support@desk.test>\n*Sent:* Tuesday, 17 November 2026\n"
    "*To:* lea@example.be\n*Subject:* Site en panne",
    "classic en": "-----Original Message-----\nFrom: support@desk.test\nSent: Tue\nTo: lea",
    "classic fr": "-----Message d'origine-----\nDe : support@desk.test\nEnvoyé : mardi",
    "classic nl": "-----Oorspronkelijk bericht-----\nVan: support@desk.test\nVerzonden: di",
}


@pytest.mark.parametrize("lang", sorted(OUTLOOK))
def test_outlook_header_blocks_go(lang: str) -> None:
    assert strip_quotes(f"{NEW}\n\n{OUTLOOK[lang]}\n{OURS}") == NEW


@pytest.mark.parametrize(
    "signature",
    [
        "-- \nLéa Dupont\nAcme SA · +32 2 555 01 01",
        "--\nLéa",
        "Envoyé de mon iPhone",
        "Verzonden vanaf mijn iPhone",
        "Sent from my Galaxy",
        "Get Outlook for iOS",
        "Obtenir Outlook pour Android",
    ],
)
def test_signatures_go(signature: str) -> None:
    assert strip_quotes(f"{NEW}\n\n{signature}") == NEW


def test_a_trailing_quote_without_attribution_goes_and_inline_answers_stay() -> None:
    inline = "> Quel est l'ID du site ?\n1234\n> Depuis quand ?\nCe matin."
    assert strip_quotes(f"{inline}\n\n{OURS}") == inline


def test_a_line_before_an_attribution_is_the_senders() -> None:
    text = "Le serveur ne répond plus.\nLe 17/11/2026 à 10:30, Ardenne Support a écrit :\n> x"
    assert strip_quotes(text) == "Le serveur ne répond plus."


def test_nothing_new_keeps_the_whole_message() -> None:
    only_quote = f"{ATTRIBUTIONS['gmail en']}\n{OURS}"
    assert strip_quotes(only_quote) == only_quote.strip()


def test_prose_that_mentions_writing_stays() -> None:
    text = "On the invoice you wrote the wrong VAT number, as my colleague said in our call."
    assert strip_quotes(text) == text
    assert strip_quotes("From: the start it failed.\nIt still fails.") == (
        "From: the start it failed.\nIt still fails."
    )


def test_windows_line_ends() -> None:
    reply = f"{NEW}\r\n\r\n{ATTRIBUTIONS['gmail nl']}\r\n{OURS}".replace("\n", "\r\n")
    assert strip_quotes(reply) == NEW
