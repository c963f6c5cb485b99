"""The Socket.IO side: namespaces that translate, and the publisher that emits."""

from __future__ import annotations

from .operator import OperatorNamespace
from .publish import Publisher
from .server import create_sio
from .visitor import VisitorNamespace

__all__ = ["OperatorNamespace", "Publisher", "VisitorNamespace", "create_sio"]
