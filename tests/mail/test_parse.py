"""Reading received messages: the text, HTML to text, attachments, loops and bounces."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from chatdesk.mail.parse import html_to_text, parse_mail

from .conftest import mail_from

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def html_mail(html: str, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Léa Dupont <Lea@Example.BE>"
    message["To"] = "support@desk.test"
    message["Subject"] = "RE: [#000042] Site en panne"
    message["Message-ID"] = "<abc@mail.example.be>"
    for key, value in headers.items():
        message[key.replace("_", "-")] = value
    message.set_content(html, subtype="html")
    return bytes(message)


def test_a_plain_reply_is_read_with_its_number_and_references() -> None:
    message = mail_from(
        "lea@example.be", "Re: Fwd: [#000042] Site en panne",
        "C'est reparti.\n\nLe mar. 17 nov. 2026 à 10:30, Desk <support@desk.test> a écrit :\n> x",
        name="Léa", In_Reply_To="<m2@desk.test>", References="<t@desk.test> <m1@desk.test>",
        Content_Language="fr-BE", Cc="Max <max@acme.be>",
    )  # fmt: skip
    mail = parse_mail(bytes(message), envelope_sender="lea@example.be")
    assert (mail.sender, mail.name) == ("lea@example.be", "Léa")
    assert mail.subject == "Site en panne" and mail.number == 42
    assert mail.text == "C'est reparti."
    assert mail.references == ("<m2@desk.test>", "<m1@desk.test>", "<t@desk.test>")
    assert mail.lang == "fr" and mail.auto == "" and mail.bounce is None
    assert mail.to == ("support@desk.test", "max@acme.be")


def test_html_only_mail_becomes_text_without_the_quoted_history() -> None:
    html = (
        "<html><head><style>p{color:red}</style></head><body>"
        "<div dir='ltr'>Bonjour,<br>le site est <b>reparti</b> &amp; merci !<img src='cid:x'>"
        "<p>Léa</p></div>"
        "<div class='gmail_quote'><div class='gmail_attr'>Le mar. 17 nov. a écrit :</div>"
        "<blockquote>Ancien message</blockquote></div>"
        "<script>alert(1)</script></body></html>"
    )
    mail = parse_mail(html_mail(html), envelope_sender="lea@example.be")
    assert mail.text == "Bonjour,\nle site est reparti & merci !\nLéa"
    assert mail.sender == "lea@example.be" and mail.number == 42


def test_outlook_and_thunderbird_html_quotes_are_left_out() -> None:
    outlook = (
        "<div>Voici l'ID : 1234<p>Léa</div><div id='divRplyFwdMsg'><b>De :</b> Desk"
        "<br>Objet : ...</div><div>Ancien</div>"
    )
    assert html_to_text(outlook).startswith("Voici l'ID : 1234\nLéa")
    assert "Desk" not in html_to_text(outlook)
    thunderbird = (
        "<p>Merci</p><div class='moz-cite-prefix'>Le 17/11 Desk a écrit :</div>"
        "<blockquote type='cite'>old</blockquote>"
    )
    assert html_to_text(thunderbird) == "Merci"


def test_attachments_are_kept_and_signature_pictures_are_not() -> None:
    message = mail_from("lea@example.be", "Capture", "Voir la capture.")
    message.add_attachment(PNG, maintype="image", subtype="png", filename="capture.png")
    message.add_attachment(b"MZ\x90\x00", maintype="application", subtype="octet-stream",
                           filename="facture.pdf.exe")  # fmt: skip
    logo = EmailMessage()
    logo.set_content(PNG, maintype="image", subtype="png", disposition="inline",
                     filename="logo.png", cid="<logo@x>")  # fmt: skip
    message.attach(logo)
    mail = parse_mail(bytes(message), envelope_sender="lea@example.be")
    assert [(a.filename, a.data[:4]) for a in mail.attachments] == [
        ("capture.png", PNG[:4]),
        ("facture.pdf.exe", b"MZ\x90\x00"),
    ]


@pytest.mark.parametrize(
    ("headers", "sender", "envelope", "reason"),
    [
        ({"Auto_Submitted": "auto-replied"}, "lea@example.be", "lea@example.be", "auto-submitted"),
        ({"Auto_Submitted": "no"}, "lea@example.be", "lea@example.be", ""),
        ({"Precedence": "bulk"}, "news@shop.example", "b@shop.example", "precedence"),
        ({"Precedence": "junk"}, "x@spam.example", "x@spam.example", "precedence"),
        ({"X_Autoreply": "yes"}, "lea@example.be", "lea@example.be", "x-autoreply"),
        ({"X_Auto_Response_Suppress": "All"}, "lea@example.be", "lea@example.be", "suppress"),
        ({"List_Id": "<users.lists.example>"}, "lea@example.be", "lea@example.be", "list"),
        ({}, "MAILER-DAEMON@mx.example", "mx@mx.example", "daemon"),
        ({}, "no-reply@shop.example", "b@shop.example", "no-reply"),
        ({}, "lea@example.be", "", "null envelope sender"),
        ({}, "lea@example.be", "<>", "null envelope sender"),
    ],
)
def test_automatic_mail_is_recognised(
    headers: dict[str, str], sender: str, envelope: str, reason: str
) -> None:
    message = mail_from(sender, "Absent", "Je suis absente.", **headers)
    auto = parse_mail(bytes(message), envelope_sender=envelope).auto
    assert (reason in auto) if reason else auto == ""


DSN = b"""From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: support@desk.test
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"
Message-Id: <20261117.1@mx.example.net>

--B1
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; Lea@Example.be
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <lea@example.be>: Recipient address rejected

Final-Recipient: rfc822; max@acme.be
Action: delayed
Status: 4.4.1

--B1
Content-Type: message/rfc822

From: Desk <support@desk.test>
To: lea@example.be
Subject: [#000001] Site en panne
X-Chatdesk-Mail: abc

hello
--B1--
"""


def test_a_delivery_report_names_the_failed_addresses_only() -> None:
    mail = parse_mail(DSN, envelope_sender="")
    assert mail.bounce is not None
    assert mail.bounce.failed == (
        ("lea@example.be", "5.1.1 550 5.1.1 <lea@example.be>: Recipient address rejected"),
    )
    assert "auto-submitted" in mail.auto
    assert parse_mail(bytes(mail_from("a@b.be", "x", "y")), envelope_sender="a@b.be").bounce is None
