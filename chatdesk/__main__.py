"""Allow ``python -m chatdesk``."""

from .cli import main

raise SystemExit(main())
