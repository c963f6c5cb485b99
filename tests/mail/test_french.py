"""French in the desk's mails: "de" elided before a desk's name that starts with a vowel,
and only then."""

from __future__ import annotations

from chatdesk.mail.stafftexts import staff_text
from chatdesk.mail.texts import mail_text


def test_de_is_elided_before_a_vowel() -> None:
    said = staff_text("fr", "changed_1", desk="Ardenne Cloud", when="lundi")
    assert "la console d'Ardenne Cloud a été changé" in said
    said = staff_text("fr", "weekly_1", desk="Écoles de Namur", start="1", end="7")
    assert "la semaine dernière d'Écoles de Namur" in said
    said = mail_text("fr", "transcript_sent_1", name="Sophie", desk="Orbit")
    assert said == "Sophie, d'Orbit, vous envoie cette conversation du chat."


def test_not_before_a_consonant_nor_in_other_languages() -> None:
    said = staff_text("fr", "changed_1", desk="Brussels Hosting", when="lundi")
    assert "la console de Brussels Hosting" in said
    assert "de Hachette" in staff_text("fr", "weekly_1", desk="Hachette", start="1", end="7")
    assert "on the Ardenne Cloud console" in staff_text(
        "en", "changed_1", desk="Ardenne Cloud", when="Monday"
    )
