"""Shared fixtures: one private Dovecot per session, a fresh IMAP account per test.

A missing ``dovecot`` binary skips the integration tests locally but fails them when the
environment variable CI is set: CI must never pass by silently skipping them.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

import pytest
from dovecot import Account, Dovecot, start_or_skip


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """The session's Dovecot: SPECIAL-USE Drafts, Sent, Junk and Trash for every user."""
    server = start_or_skip(Dovecot())
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def dovecot_bare() -> Iterator[Dovecot]:
    """A second Dovecot whose users have INBOX only and no SPECIAL-USE attributes."""
    server = start_or_skip(Dovecot(special_use=False))
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def imap_account(dovecot: Dovecot) -> Account:
    """A new user (unique name, empty mailbox) on the session's Dovecot."""
    if not dovecot.running:  # a test stopped it and failed before starting it again
        dovecot.start()
    return dovecot.add_user()


@pytest.fixture
def bare_account(dovecot_bare: Dovecot) -> Account:
    """A new user with INBOX only, on the Dovecot without SPECIAL-USE."""
    return dovecot_bare.add_user()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the tail of each Dovecot's log to the report of a failed test."""
    report = yield
    if report.failed:
        funcargs = getattr(item, "funcargs", {})
        for name in ("dovecot", "dovecot_bare"):
            server = funcargs.get(name)
            if isinstance(server, Dovecot):
                report.sections.append((f"{name} log", server.log_text()[-6000:]))
    return report
