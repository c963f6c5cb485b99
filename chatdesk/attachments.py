"""Uploaded files: the type sniffed from the bytes, an allow-list, a safe name, a size cap."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any
from urllib.parse import quote

import filetype

from .errors import InvalidPayload, TooLarge
from .models import Attachment, NewAttachment

__all__ = [
    "ALLOWED_TYPES",
    "chat_file",
    "check_attachment",
    "console_url",
    "file_size",
    "safe_filename",
    "sniff",
]

#: What the desk accepts, by content, with the extension a stored name ends with.
ALLOWED_TYPES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "video/quicktime": ".mov",
    "text/plain": ".txt",
}
#: Extensions a file of each type may keep (else the canonical one is appended).
_EXTENSIONS = {
    "image/jpeg": (".jpg", ".jpeg"),
    "video/mp4": (".mp4", ".m4v"),
    "text/plain": (".txt", ".log", ".csv", ".json", ".xml", ".yaml", ".yml", ".md", ".conf"),
}
#: Programs, whatever they are named: ELF, PE (MZ), Mach-O (and fat binaries), scripts.
_EXECUTABLES = (
    b"\x7fELF",
    b"MZ",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
_UNSAFE = re.compile(r"[^\w.\-() ]+")
_MAX_NAME = 100


def sniff(data: bytes) -> str | None:
    """Return the allowed content type of ``data``, or None (not allowed, or a program)."""
    if data.lstrip(b"\xef\xbb\xbf").startswith(_EXECUTABLES):
        return None
    kind = filetype.guess(data)
    if kind is not None:
        mime = str(kind.mime)
        return mime if mime in ALLOWED_TYPES else None
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain"


def safe_filename(name: str, content_type: str) -> str:
    """Return a harmless file name: no path, no control or odd characters, at most 100
    characters, ending with an extension that fits ``content_type``."""
    base = re.split(r"[/\\]", name)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    base = _UNSAFE.sub("_", base).strip(" .")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    allowed = _EXTENSIONS.get(content_type, (ALLOWED_TYPES[content_type],))
    extension = f".{ext.lower()}" if ext else ""
    if extension not in allowed:
        stem, extension = base, allowed[0]
    stem = (stem or "file")[: _MAX_NAME - len(extension)]
    return stem + extension


def check_attachment(filename: str, data: bytes, *, max_file: int) -> NewAttachment:
    """Return the file ready to store, or refuse it.

    :raises TooLarge: past ``max_file`` bytes.
    :raises InvalidPayload: ``empty_file``, ``executable`` or ``type_not_allowed``.
    """
    if not data:
        raise InvalidPayload(f"{filename!r} is empty", code="empty_file")
    if len(data) > max_file:
        raise TooLarge(f"{filename!r} is larger than {max_file // 1024} kB")
    content_type = sniff(data)
    if content_type is None:
        if data.lstrip(b"\xef\xbb\xbf").startswith(_EXECUTABLES):
            raise InvalidPayload(f"{filename!r} is a program: refused", code="executable")
        raise InvalidPayload(
            f"{filename!r}: only images, PDFs, text or logs and short videos are accepted",
            code="type_not_allowed",
        )
    return NewAttachment(
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def console_url(attachment_id: str) -> str:
    """Return where operators download a file (the console's route, behind its login)."""
    return f"/console/files/{quote(attachment_id, safe='')}"


def chat_file(attachment: Attachment | NewAttachment) -> dict[str, Any]:
    """Return a stored file as a chat message's ``attachments`` lists it (``ChatFileOut``):
    the console's link, which the visitor's copy swaps for a signed one."""
    return {
        "id": attachment.id,
        "name": attachment.filename,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "url": console_url(attachment.id),
    }


def file_size(size: int, lang: str = "en") -> str:
    """Return a file's size as people of ``lang`` read it: ``820 kB``, ``2.4 MB``; in French
    ``820 ko``, ``2,4 Mo`` (octets, decimal comma; Dutch keeps kB and MB with a comma)."""
    kilo, mega = ("ko", "Mo") if lang == "fr" else ("kB", "MB")
    if size < 1024**2:
        return f"{max(1, round(size / 1024))}\u00a0{kilo}"
    shown = f"{size / 1024**2:.1f}"
    return f"{shown.replace('.', ',') if lang in ('fr', 'nl') else shown}\u00a0{mega}"
