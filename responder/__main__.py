"""``python -m responder`` is the same as the ``responder`` command."""

from __future__ import annotations

from responder.cli import main

raise SystemExit(main())
