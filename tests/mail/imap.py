"""A real IMAP server for the tests: Debian's dovecot, on a free port, in a temp dir.

It runs ``dovecot -F -c <own config>`` (never the machine's service): plain login from a
passwd-file, no TLS, one Maildir per user. Tests deliver with IMAP APPEND and read the
flags back over IMAP, as a mail client would.
"""

from __future__ import annotations

import asyncio
import getpass
import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from ..ports import free_port
from ..redis import die_with_us

__all__ = ["Dovecot", "dovecot", "dovecot_tls"]

USER = "desk"
PASSWORD = "s3cret/pass"  # a '/' so that the URL must encode it

_CONFIG = """\
base_dir = {dir}/run
state_dir = {dir}/state
log_path = /dev/stderr
protocols = imap
listen = 127.0.0.1
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
# A wrong password is answered at once (2 s, then longer, by default: the tests try some
# on purpose): no delay, and no penalty (anvil's, below).
auth_failure_delay = 0
mail_location = maildir:{dir}/mail/%u
first_valid_uid = 1
{users}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={dir}/mail/%u
}}
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
"""


class Dovecot:
    """The running server: where it listens (``tls_port``: imaps, with ``cert`` the
    certificate to trust), and a client's view of the mailbox."""

    def __init__(self, port: int, tls_port: int = 0, cert: Path | None = None) -> None:
        self.port = port
        self.tls_port = tls_port
        self.cert = cert

    def url(self, password: str = PASSWORD, folder: str = "INBOX", *, scheme: str = "imap",
            query: str = "") -> str:  # fmt: skip
        """Return ``CHATDESK_IMAP_URL`` for the desk's mailbox (password URL-encoded)."""
        port = self.tls_port if scheme == "imaps" else self.port
        secret = quote(password, safe="")
        return f"{scheme}://{USER}:{secret}@127.0.0.1:{port}/{folder}{query}"

    def _session(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=5)
        imap.login(USER, PASSWORD)
        return imap

    def _append(self, raw: bytes, flags: str) -> None:
        imap = self._session()
        try:
            status, data = imap.append("INBOX", flags or None, None, raw)
            assert status == "OK", data
        finally:
            imap.logout()

    def _flags(self) -> list[set[str]]:
        imap = self._session()
        try:
            imap.select("INBOX", readonly=True)
            status, data = imap.uid("FETCH", "1:*", "(FLAGS)")
            assert status == "OK", data
        finally:
            imap.logout()
        found = []
        for line in data:
            if isinstance(line, bytes) and b"FLAGS (" in line:
                inner = line.split(b"FLAGS (", 1)[1].split(b")", 1)[0].decode()
                found.append(set(inner.split()) - {"\\Recent"})
        return found

    async def append(self, raw: bytes, flags: str = "") -> None:
        """Deliver ``raw`` into INBOX (as an MTA's delivery agent would)."""
        await asyncio.to_thread(self._append, raw, flags)

    async def flags(self) -> list[set[str]]:
        """Return each message's flags, in the order of delivery."""
        return await asyncio.to_thread(self._flags)


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    """Start a dovecot of our own on a free port; skip when it is not installed."""
    yield from _start(tls=False)


@pytest.fixture
def dovecot_tls() -> Iterator[Dovecot]:
    """A dovecot that speaks TLS too (imaps, STARTTLS), with a self-signed certificate
    for 127.0.0.1."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed (it makes the test certificate)")
    yield from _start(tls=True)


def _start(*, tls: bool) -> Iterator[Dovecot]:
    exe = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists()
                                      else None)  # fmt: skip
    if exe is None:
        pytest.skip("dovecot is not installed (Debian: apt-get install dovecot-imapd)")
    # Not under pytest's tmp_path (mode 0700): dovecot's own users must reach the files.
    with tempfile.TemporaryDirectory(prefix="chatdesk-dovecot-") as name:
        root = Path(name)
        root.chmod(0o755)
        yield from _serve(exe, root, tls=tls)


def _certificate(root: Path) -> str:
    """Make a self-signed certificate for 127.0.0.1; return dovecot's settings for it."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    return f"ssl = yes\nssl_cert = <{root}/cert.pem\nssl_key = <{root}/key.pem"


def _serve(exe: str, root: Path, *, tls: bool) -> Iterator[Dovecot]:
    (root / "mail").mkdir()
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    if os.geteuid() == 0:
        # dovecot never gives mail to root: the mailbox belongs to nobody.
        owner = pwd.getpwnam("nobody")
        uid, gid, users = owner.pw_uid, owner.pw_gid, ""
        os.chown(root / "mail", uid, gid)
    else:  # one user for everything: ours
        me, group = getpass.getuser(), grp.getgrgid(os.getgid()).gr_name
        uid, gid = os.getuid(), os.getgid()
        users = (
            f"default_login_user = {me}\ndefault_internal_user = {me}\n"
            f"default_internal_group = {group}\n"
        )
    port, tls_port = free_port(), free_port() if tls else 0
    config = root / "dovecot.conf"
    config.write_text(_CONFIG.format(
        dir=root, users=users, uid=uid, gid=gid, port=port, tls_port=tls_port,
        ssl=_certificate(root) if tls else "ssl = no",
    ))  # fmt: skip
    process = subprocess.Popen(
        [exe, "-F", "-c", str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, preexec_fn=die_with_us,
    )  # fmt: skip
    assert process.stdout is not None
    seen = []
    for line in process.stdout:  # its log says when it is up (or why it could not start)
        seen.append(line)
        if "starting up" in line:
            break
    else:
        process.wait()
        pytest.fail("dovecot did not start:\n" + "".join(seen[-20:]))
    drain = threading.Thread(target=process.stdout.read, daemon=True)
    drain.start()
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        yield Dovecot(port, tls_port, root / "cert.pem" if tls else None)
    finally:
        process.terminate()
        process.wait(timeout=10)
        drain.join(timeout=10)
        process.stdout.close()
