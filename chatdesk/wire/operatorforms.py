"""The console's operators page (``/console/operators``, admins), as the browser posts its
forms (every field a string; departments and languages repeat)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from .base import In

__all__ = [
    "OperatorAddForm",
    "OperatorAwayForm",
    "OperatorEditForm",
    "OperatorPasswordForm",
    "OperatorStateForm",
]

Csrf = Annotated[str, msgspec.Meta(max_length=200)]
Email = Annotated[str, msgspec.Meta(max_length=320)]
Name = Annotated[str, msgspec.Meta(max_length=200)]
Role = Literal["admin", "service_manager", "operator"]
Slug = Annotated[str, msgspec.Meta(max_length=100)]
#: A capacity as typed in a number box: empty (the desk's default) or a whole number.
Capacity = Annotated[str, msgspec.Meta(pattern=r"^\s*\d{0,3}\s*$")]
Password = Annotated[str, msgspec.Meta(max_length=1000)]


class OperatorAddForm(In):
    """``action=add``: a new operator with a first password."""

    action: Literal["add"]
    email: Email
    name: Name
    password: Password
    csrf: Csrf = ""
    role: Role = "operator"
    departments: list[Slug] = msgspec.field(default_factory=list)
    languages: list[Slug] = msgspec.field(default_factory=list)
    capacity: Capacity = ""


class OperatorEditForm(In):
    """``action=edit``: an operator's name, role, departments, languages, capacity."""

    action: Literal["edit"]
    email: Email
    name: Name
    csrf: Csrf = ""
    role: Role = "operator"
    departments: list[Slug] = msgspec.field(default_factory=list)
    languages: list[Slug] = msgspec.field(default_factory=list)
    capacity: Capacity = ""


class OperatorStateForm(In):
    """``action=disable`` or ``enable``, ``reset_2fa`` (two-step sign-in turned off),
    ``send_link`` (a link by e-mail to choose a new password), or ``sign_out`` (every
    session ended)."""

    action: Literal["disable", "enable", "reset_2fa", "send_link", "sign_out"]
    email: Email
    csrf: Csrf = ""


class OperatorAwayForm(In):
    """``action=away``: the operator out of office until ``back_on`` (the day they are
    back, in the desk's time zone), their mail to ``replacement``; ``action=back``: over."""

    action: Literal["away", "back"]
    email: Email
    csrf: Csrf = ""
    back_on: Annotated[str, msgspec.Meta(pattern=r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")] = ""
    replacement: Annotated[str, msgspec.Meta(pattern=r"^([0-9a-f]{32})?$")] = ""


class OperatorPasswordForm(In):
    """``action=password``: a new password, set by an admin."""

    action: Literal["password"]
    email: Email
    password: Password
    csrf: Csrf = ""
