"""Which folder is Drafts, Sent or Junk: SPECIAL-USE first, then names; pure (no I/O).

Kept apart from the IMAP adapter so the rules — and every provider's naming quirk — are
tested on plain lists of LIST rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from responder.errors import FolderNotFound

Role = Literal["drafts", "sent", "junk"]
_UNSELECTABLE = {"\\NOSELECT", "\\NONEXISTENT"}


@dataclass(frozen=True)
class FolderInfo:
    """One row of LIST: the decoded name, the hierarchy delimiter and the attributes."""

    name: str
    delimiter: str
    attributes: frozenset[str]


@dataclass(frozen=True)
class FolderChoice:
    """The folder chosen for a role and why, for ``responder check`` and the logs."""

    role: Role
    name: str
    how: Literal["configured", "special-use", "name"]
    detail: str

    def __str__(self) -> str:
        return f"{self.role}: {self.name!r} ({self.how}: {self.detail})"


ROLE_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "drafts": ("\\Drafts",),
    "sent": ("\\Sent",),
    "junk": ("\\Junk", "\\Spam"),  # \Spam: Gmail's old XLIST name
}
# Names tried, in order, when no folder carries the attribute; each is also tried under the
# personal namespace prefix, under "INBOX<delimiter>" and under Gmail's "[Gmail]/" or
# localized "[Google Mail]/" parent, and case-insensitively. Outlook/Microsoft 365 and
# Gmail names in en/de/nb come first, then other common client and webmail names.
# fmt: off
ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "drafts": (
        "Drafts", "Draft", "Entwürfe", "Utkast", "Kladd", "Kladder", "Concepten",
        "Brouillons", "Borradores", "Bozze", "Rascunhos", "Luonnokset", "Szkice",
    ),
    "sent": (
        "Sent", "Sent Items", "Sent Messages", "Sent Mail", "Gesendete Elemente",
        "Gesendete Objekte", "Gesendet", "Sendte elementer", "Sendt e-post", "Sendt",
        "Skickade objekt", "Skickat", "Verzonden items", "Verzonden", "Éléments envoyés",
        "Envoyés", "Elementos enviados", "Posta inviata", "Itens Enviados",
    ),
    "junk": (
        "Junk", "Spam", "Junk E-mail", "Junk Email", "Junk-E-Mail", "Spamverdacht",
        "Uønsket e-post", "Søppelpost", "Bulk Mail", "Skräppost", "Ongewenste e-mail",
        "Courrier indésirable", "Correo no deseado",
    ),
}
# fmt: on
# Gmail keeps its system folders under a \Noselect parent, "[Gmail]" or, in some locales
# (German among them), "[Google Mail]"; the children's names follow the account's language.
_GMAIL_PARENTS = ("[Gmail]", "[Google Mail]")


def choose_folder(
    role: Role,
    folders: Sequence[FolderInfo],
    *,
    configured: str | None = None,
    prefixes: Sequence[str] = (),
) -> FolderChoice:
    """The folder for role among folders (pure: no I/O).

    1. configured, when set: it must exist (FolderNotFound otherwise).
    2. The first selectable folder with the role's SPECIAL-USE attribute.
    3. The first of ROLE_NAMES[role] that exists, tried as is, under "INBOX<delimiter>",
       under each namespace prefix and under Gmail's "[Gmail]"/"[Google Mail]" parent,
       exactly and then case-insensitively.
    """
    usable = [f for f in folders if not _UNSELECTABLE & {a.upper() for a in f.attributes}]
    names = [f.name for f in usable]
    if configured is not None:
        if configured in names or configured.upper() == "INBOX":
            return FolderChoice(role, configured, "configured", "set in the configuration")
        raise FolderNotFound(
            f"the configured {role} folder {configured!r} does not exist; "
            f"folders on the server: {', '.join(sorted(names)) or 'none'}"
        )
    wanted = {a.upper() for a in ROLE_ATTRIBUTES[role]}
    for folder in usable:
        hit = sorted(a for a in folder.attributes if a.upper() in wanted)
        if hit:
            return FolderChoice(role, folder.name, "special-use", f"LIST attribute {hit[0]}")
    delimiters = sorted({f.delimiter for f in usable if f.delimiter} or {"."})
    gmail = [f"{f.name}{f.delimiter}" for f in folders if f.name in _GMAIL_PARENTS and f.delimiter]
    all_prefixes = ["", *(f"INBOX{d}" for d in delimiters), *prefixes, *gmail]
    by_fold: dict[str, str] = {}
    for name in names:
        by_fold.setdefault(name.casefold(), name)
    for base in ROLE_NAMES[role]:
        for prefix in all_prefixes:
            for delim in delimiters:
                candidate = prefix + base.replace("/", delim)
                found = candidate if candidate in names else by_fold.get(candidate.casefold())
                if found is not None:
                    attrs = "/".join(ROLE_ATTRIBUTES[role])
                    detail = f"no folder has {attrs}; matched the name {candidate!r}"
                    return FolderChoice(role, found, "name", detail)
    raise FolderNotFound(
        f"no {role} folder: none has {' or '.join(ROLE_ATTRIBUTES[role])} and none is named "
        f"{', '.join(ROLE_NAMES[role])} (also tried under INBOX, the namespace prefix and "
        "[Gmail]); "
        f"set the {role} folder in the configuration"
    )
