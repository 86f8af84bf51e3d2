"""How a ledger row's ``source`` reads to an analyst: the five seed articles by their title
(the ledger cites them by file name, ``003_fc8085e7628fbeab.txt``), web addresses as links,
everything else as written.

A ``source`` cell holds one or more sources separated by `` | ``. The seed articles are the
project's five German source documents (``../shared/seeds``, not shipped); their titles are
kept here so that a reader without them still sees what is cited. Three of the five carry no
heading of their own: their titles below are descriptive ones the project gave them, and
:data:`SEEDS` says so (``titled_by`` ``"aiinfra"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["SEEDS", "Seed", "SourcePart", "seed_title", "source_parts", "source_text"]


@dataclass(frozen=True)
class Seed:
    """One seed article: its number, title, whether the title is the article's own heading
    (``"author"``) or one the project gave an untitled article (``"aiinfra"``), and its
    publication date where the article states one."""

    number: str
    title: str
    titled_by: Literal["author", "aiinfra"]
    published: str = ""


#: the seed articles by file name
SEEDS: dict[str, Seed] = {
    "000_e8cd576da995e634.txt": Seed(
        "000",
        "Das schnellste Umsatzwachstum der Tech-Geschichte und der Infrastrukturausbau dahinter",
        "author",
        "2026-06-10",
    ),
    "001_fbfef616c705aba6.txt": Seed(
        "001",
        "Anlageargumente für KI-Infrastruktur: Das physische Fundament für eine digitale Zukunft",
        "author",
    ),
    "002_08489dfa80323933.txt": Seed(
        "002", "Milliarden-Investitionen der US-Techkonzerne in KI", "aiinfra"
    ),
    "003_fc8085e7628fbeab.txt": Seed("003", "Der KI-Kreislauf", "aiinfra"),
    "004_b57f5ab7c3cca1b0.txt": Seed(
        "004", "Von der Angst, etwas zu verpassen, zur Angst, zu viel auszugeben", "aiinfra"
    ),
}

_URL = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class SourcePart:
    """One source of a ``source`` cell: the text to show and, for a web address or a seed
    article, what it is (``kind`` ``"url"``, ``"seed"`` or ``"text"``). ``url`` is the address
    of a ``"url"`` part (shown as a link), else empty."""

    text: str
    kind: Literal["url", "seed", "text"]
    url: str = ""


def seed_title(file_name: str) -> str | None:
    """The reading of a seed article's file name (``seed 003 "Der KI-Kreislauf"``), None for
    anything else.

    >>> seed_title("003_fc8085e7628fbeab.txt")
    'seed 003 “Der KI-Kreislauf”'
    >>> seed_title("https://example.com") is None
    True
    """
    seed = SEEDS.get(file_name.strip())
    return None if seed is None else f"seed {seed.number} “{seed.title}”"


def source_parts(source: object) -> list[SourcePart]:
    """A ``source`` cell split at `` | ``: seeds by title, web addresses as ``"url"`` parts
    (only ``http``/``https``: anything else is text, never a link), the rest as text; empty
    parts dropped.

    >>> [p.kind for p in source_parts("https://a.example/x | 003_fc8085e7628fbeab.txt | 10-K")]
    ['url', 'seed', 'text']
    """
    if source is None or (isinstance(source, float) and source != source):
        return []
    out = []
    for raw in str(source).split(" | "):
        part = raw.strip()
        if not part:
            continue
        title = seed_title(part)
        if title is not None:
            out.append(SourcePart(title, "seed"))
        elif _URL.match(part):
            out.append(SourcePart(part, "url", part))
        else:
            out.append(SourcePart(part, "text"))
    return out


def source_text(source: object) -> str:
    """A ``source`` cell as plain text with the seed articles by title (for tables and CSV).

    >>> source_text("004_b57f5ab7c3cca1b0.txt")
    'seed 004 “Von der Angst, etwas zu verpassen, zur Angst, zu viel auszugeben”'
    """
    return " | ".join(p.text for p in source_parts(source))
