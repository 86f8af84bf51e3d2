"""Pre-registered reviews: an append-only registry of review packs chained by SHA-256.

A registry is a directory of JSON files, one per pack, named ``NNNN-<review>-<kind>.json``
(``0001-2026-12-vintage.json``). Two kinds:

* ``vintage``: pre-registers, before the review's effective date, the house score vintage in force
  at the review's cut-off (all its rows) and the methodology (its full configuration and hash).
  It needs no prices, so it can be written when prices do not yet cover the cut-off.
* ``review``: the formed review (selection and weights), with the score vintage it used, its
  input hash and the last price date it used.

Each pack carries ``seq`` (1, 2, …), ``prev_sha256`` (the previous pack's ``sha256``; null for the
first) and ``sha256``: the SHA-256 of the canonical JSON of the pack without ``sha256``
(``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)``, UTF-8). Changing,
removing or reordering a pack breaks the chain; :func:`verify_registry` also checks that every
registered house vintage still equals the ledger's rows, so a later edit of a published vintage
is found. :func:`publish` refuses to write into a broken chain, a second pack of the same review
and kind, a vintage on or after the review's effective date, and a review pack whose methodology
or scores differ from the vintage pre-registered for it; it writes a temporary file and renames
it, under a lock on the directory, so a pack appears whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from aiinfra._io import atomic_path
from aiinfra.dates import resolve_as_of, to_timestamp
from aiinfra.exceptions import DataValidationError, InvalidParameterError, Problem
from aiinfra.index._cache import latest
from aiinfra.index._calendar import ReviewDates, latest_review
from aiinfra.index._methodology import Methodology
from aiinfra.index._review import ReviewResult
from aiinfra.ledger import Ledger

__all__ = [
    "PACK_KINDS",
    "PACK_NAME",
    "PackKind",
    "build_review_pack",
    "build_vintage_pack",
    "canonical_json",
    "find_pack",
    "pack_sha256",
    "publish",
    "registry_packs",
    "verify_registry",
]

PackKind = Literal["vintage", "review"]
PACK_KINDS: tuple[PackKind, ...] = ("vintage", "review")
#: the file name of a pack: sequence number, review month, kind
PACK_NAME = re.compile(r"^(?P<seq>\d{4,})-(?P<review>\d{4}-\d{2})-(?P<kind>vintage|review)\.json$")
#: the score fields a review reads, registered per company
ROW_FIELDS = (
    "company_id",
    "as_of",
    "category",
    "qualitative",
    "ai_revenue_share",
    "ai_revenue_source_type",
)
_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "seq": int,
    "kind": str,
    "review": dict,
    "published": str,
    "methodology": str,
    "methodology_hash": str,
    "methodology_config": dict,
    "score_vintage": dict,
    "input_hash": (str, type(None)),
    "selection": (list, type(None)),
    "weights": (dict, type(None)),
    "prices_through": (str, type(None)),
    "prev_sha256": (str, type(None)),
    "sha256": str,
}


def canonical_json(obj: Any) -> str:
    """The canonical JSON text that the hashes are computed on (NaN is refused)."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pack_sha256(pack: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``pack`` without its ``sha256`` field."""
    return _sha(canonical_json({k: v for k, v in pack.items() if k != "sha256"}))


def _methodology_sha(config: Mapping[str, Any]) -> str:
    """:meth:`Methodology.config_hash` of a dumped configuration (the same canonical text)."""
    return _sha(json.dumps(config, sort_keys=True, separators=(",", ":")))


def _opt_float(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _opt_str(v: Any) -> str | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def house_rows(ledger: Ledger, cutoff: pd.Timestamp) -> list[dict[str, Any]]:
    """The house score rows in force at ``cutoff`` (the latest per company with ``as_of`` ≤ it),
    as registered: the fields a review reads, sorted by company."""
    known = latest(ledger.scores, "company_id", "as_of", cutoff)
    return [
        {
            "company_id": str(cid),
            "as_of": pd.Timestamp(r["as_of"]).date().isoformat(),
            "category": str(r["category"]),
            "qualitative": float(r["qualitative"]),
            "ai_revenue_share": _opt_float(r["ai_revenue_share"]),
            "ai_revenue_source_type": _opt_str(r["ai_revenue_source_type"]),
        }
        for cid, r in sorted(known.items(), key=lambda kv: str(kv[0]))
    ]


def _vintage(rows: list[dict[str, Any]], source: str, as_of: str) -> dict[str, Any]:
    return {
        "as_of": as_of,
        "source": source,
        "rows": rows,
        "rows_sha256": _sha(canonical_json(rows)),
    }


def _software() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"aiinfra {version('aiinfra')}"
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "aiinfra"


def _base(
    kind: PackKind, dates: ReviewDates, methodology: Methodology, name: str | None, published: Any
) -> dict[str, Any]:
    return {
        "kind": kind,
        "review": dates.to_dict(),
        "published": resolve_as_of(published, "published").date().isoformat(),
        "methodology": name or methodology.index.name,
        "methodology_hash": methodology.config_hash(),
        "methodology_config": methodology.model_dump(mode="json"),
        "software": _software(),
    }


def build_vintage_pack(
    ledger: Ledger,
    methodology: Methodology,
    as_of: object,
    *,
    name: str | None = None,
    published: object = None,
) -> dict[str, Any]:
    """The ``vintage`` pack of the review whose cut-off is the latest on or before ``as_of``: the
    house score vintage in force at the cut-off (every row) and the methodology. No prices are
    read. ``name`` labels the methodology (default: its index name); ``published`` defaults to
    today.

    Raises
    ------
    InvalidParameterError
        The methodology does not read house vintages (``pit_mode: systematic`` or
        ``static_scores``), or no house vintage is dated on or before the cut-off.
    """
    cal = methodology.calendar
    dates = latest_review(to_timestamp(as_of, "as_of"), cal.rebalance_months, cal.exchange)
    if methodology.pit_mode in ("systematic", "static_scores"):
        raise InvalidParameterError(
            f"review {dates.review}: `pit_mode: {methodology.pit_mode}` does not use a house "
            "score vintage, so there is none to pre-register (use pit_mode vintage or "
            "vintage_or_systematic)"
        )
    rows = house_rows(ledger, dates.cutoff)
    if not rows:
        first = ledger.scores["as_of"].min()
        raise InvalidParameterError(
            f"review {dates.review}: no house score vintage is dated on or before the cut-off "
            f"{dates.cutoff.date()} (the earliest is "
            f"{first.date() if pd.notna(first) else 'none'}); nothing to pre-register"
        )
    pack = _base("vintage", dates, methodology, name, published)
    pack.update(
        score_vintage=_vintage(rows, "house", max(r["as_of"] for r in rows)),
        input_hash=None,
        selection=None,
        weights=None,
        prices_through=None,
    )
    return pack


def build_review_pack(
    result: ReviewResult,
    ledger: Ledger,
    methodology: Methodology,
    prices_through: object = None,
    *,
    name: str | None = None,
    published: object = None,
) -> dict[str, Any]:
    """The ``review`` pack of a formed review: its score vintage (the house rows in force at the
    cut-off, or the systematic scores the review computed), input hash, selection and weights.
    ``prices_through`` defaults to the latest pro-forma reference date (the last close used).

    Raises
    ------
    InvalidParameterError
        The review is not point in time (``static`` scores), or it was formed with other rules
        than ``methodology``.
    """
    if result.score_source == "static":
        raise InvalidParameterError(
            f"review {result.dates.review} used today's scores (not point-in-time); a registry "
            "records point-in-time reviews only (use pit_mode vintage_or_systematic)"
        )
    if result.methodology_hash != methodology.config_hash():
        raise InvalidParameterError(
            f"review {result.dates.review} was formed with methodology {result.methodology_hash}"
            f", not with the one given ({methodology.config_hash()})"
        )
    cut = result.dates.cutoff
    if result.score_source == "house":
        rows = house_rows(ledger, cut)
        vintage = _vintage(rows, "house", max(r["as_of"] for r in rows))
    else:
        cand = result.candidates[result.candidates["Q"].notna()].sort_values("id")
        rows = [
            {
                "company_id": str(r["id"]),
                "as_of": cut.date().isoformat(),
                "category": str(r["category"]),
                "qualitative": float(r["Q"]),
                "ai_revenue_share": _opt_float(r["a"]),
                "ai_revenue_source_type": _opt_str(r["a_source"]),
            }
            for r in cand.to_dict(orient="records")
        ]
        vintage = _vintage(rows, "systematic", cut.date().isoformat())
    if prices_through is None:
        through = pd.Timestamp(result.proforma["ref_date"].max())
    else:
        through = to_timestamp(prices_through, "prices_through")
    sel = result.selection()
    pack = _base("review", result.dates, methodology, name, published)
    pack.update(
        score_vintage=vintage,
        input_hash=result.input_hash,
        selection=[
            {
                "rank": int(r["rank"]),
                "id": str(r["id"]),
                "ticker": str(r["ticker"]),
                "category": str(r["category"]),
                "weight": float(r["weight"]),
            }
            for r in sel.to_dict(orient="records")
        ],
        weights={str(k): float(v) for k, v in result.weights.sort_index().items()},
        prices_through=through.date().isoformat(),
    )
    return pack


# -- reading -------------------------------------------------------------------------------------


def _label(directory: Path, name: str) -> str:
    return str(directory / name)


def _read(directory: Path) -> tuple[list[tuple[str, dict[str, Any] | None]], list[Problem]]:
    """The registry's pack files in sequence order (name, parsed pack or None when unreadable),
    and the problems of their names and JSON."""
    problems: list[Problem] = []
    named: list[tuple[int, str]] = []
    for entry in sorted(os.listdir(directory)):
        if entry.startswith(".") or not entry.endswith(".json"):
            continue  # README.md, temporaries of an atomic write
        m = PACK_NAME.match(entry)
        if m is None:
            problems.append(
                Problem(
                    _label(directory, entry),
                    None,
                    None,
                    "not a pack name: NNNN-<YYYY-MM>-<vintage|review>.json",
                )
            )
            continue
        named.append((int(m["seq"]), entry))
    named.sort()
    out: list[tuple[str, dict[str, Any] | None]] = []
    for _, entry in named:
        label = _label(directory, entry)
        try:
            doc = json.loads((directory / entry).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(Problem(label, None, None, f"is not readable JSON ({exc})"))
            out.append((entry, None))
            continue
        if not isinstance(doc, dict):
            problems.append(Problem(label, None, None, "must hold a JSON object"))
            out.append((entry, None))
            continue
        out.append((entry, doc))
    return out, problems


def _shape(pack: Mapping[str, Any], label: str) -> list[Problem]:
    """The fields and types every pack has."""
    out = []
    for key, typ in _REQUIRED.items():
        if key not in pack:
            out.append(Problem(label, None, key, "required field is missing"))
        elif not isinstance(pack[key], typ) or isinstance(pack[key], bool):
            out.append(
                Problem(label, None, key, f"has the wrong type ({type(pack[key]).__name__})")
            )
    if out:
        return out
    if pack["kind"] not in PACK_KINDS:
        out.append(Problem(label, None, "kind", "must be vintage or review", str(pack["kind"])))
    rev = pack["review"]
    for key in ("review", "cutoff", "announce", "effective"):
        if not isinstance(rev.get(key), str):
            out.append(Problem(label, None, f"review.{key}", "required date is missing"))
    sv = pack["score_vintage"]
    for key in ("as_of", "source", "rows", "rows_sha256"):
        if key not in sv:
            out.append(Problem(label, None, f"score_vintage.{key}", "required field is missing"))
    rows = sv.get("rows", [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        out.append(Problem(label, None, "score_vintage.rows", "must be a list of score rows"))
    if not out and sv["source"] not in ("house", "systematic"):
        out.append(
            Problem(
                label,
                None,
                "score_vintage.source",
                "must be house or systematic",
                str(sv["source"]),
            )
        )
    if not out and pack["kind"] == "review" and pack["selection"] is None:
        out.append(Problem(label, None, "selection", "a review pack holds its selection"))
    return out


def _pack_problems(pack: Mapping[str, Any], label: str) -> list[Problem]:
    """A pack's own consistency: its hash, the hash of its rows and of its methodology."""
    out = []
    if pack_sha256(pack) != pack["sha256"]:
        out.append(
            Problem(
                label,
                None,
                "sha256",
                "does not match the pack's content: the pack was changed after it was published",
                pack["sha256"],
            )
        )
    sv = pack["score_vintage"]
    if _sha(canonical_json(sv["rows"])) != sv["rows_sha256"]:
        out.append(
            Problem(label, None, "score_vintage.rows_sha256", "does not match the registered rows")
        )
    if _methodology_sha(pack["methodology_config"]) != pack["methodology_hash"]:
        out.append(
            Problem(
                label, None, "methodology_hash", "does not match the registered methodology_config"
            )
        )
    if pack["kind"] == "vintage" and pack["published"] >= pack["review"]["effective"]:
        out.append(
            Problem(
                label,
                None,
                "published",
                f"a vintage must be published before the review's effective date "
                f"{pack['review']['effective']}",
                pack["published"],
            )
        )
    return out


def _chain(directory: Path) -> tuple[list[tuple[str, dict[str, Any]]], list[Problem]]:
    """Every pack that has the fields of one, and every problem of the chain: names, shapes,
    hashes, ``seq`` 1, 2, … in file order, ``prev_sha256`` linking each to the one before, file
    name matching its fields, one pack per review and kind, vintage before review."""
    files, problems = _read(directory)
    packs: list[tuple[str, dict[str, Any]]] = []
    prev_sha: str | None = None
    prev_published = ""
    seen: dict[tuple[str, str], str] = {}
    for i, (name, doc) in enumerate(files, start=1):
        label = _label(directory, name)
        if doc is None:
            prev_sha = None
            continue
        shape = _shape(doc, label)
        if shape:
            problems += shape
            prev_sha = doc.get("sha256") if isinstance(doc.get("sha256"), str) else None
            continue
        problems += _pack_problems(doc, label)
        m = PACK_NAME.match(name)
        assert m is not None
        if doc["seq"] != i or int(m["seq"]) != i:
            problems.append(
                Problem(
                    label,
                    None,
                    "seq",
                    f"must be {i} (its place in the chain; a pack was removed, added or reordered)",
                    str(doc["seq"]),
                )
            )
        if doc["prev_sha256"] != prev_sha:
            problems.append(
                Problem(
                    label,
                    None,
                    "prev_sha256",
                    "does not match the previous pack's sha256 (a pack before it "
                    f"was changed, removed or reordered; expected {prev_sha})",
                    str(doc["prev_sha256"]),
                )
            )
        if (m["review"], m["kind"]) != (doc["review"]["review"], doc["kind"]):
            problems.append(
                Problem(
                    label,
                    None,
                    "review",
                    f"file name says {m['review']} {m['kind']}, the pack "
                    f"{doc['review']['review']} {doc['kind']}",
                )
            )
        if doc["published"] < prev_published:
            problems.append(
                Problem(
                    label,
                    None,
                    "published",
                    f"is before the previous pack's ({prev_published})",
                    doc["published"],
                )
            )
        key = (doc["review"]["review"], doc["kind"])
        if key in seen:
            problems.append(
                Problem(
                    label,
                    None,
                    "kind",
                    f"a second {key[1]} pack of review {key[0]} (the first is {seen[key]})",
                )
            )
        seen.setdefault(key, name)
        if doc["kind"] == "vintage" and (key[0], "review") in seen:
            problems.append(
                Problem(
                    label,
                    None,
                    "kind",
                    f"a vintage published after the review pack {seen[(key[0], 'review')]}",
                )
            )
        prev_sha, prev_published = doc["sha256"], doc["published"]
        packs.append((name, doc))
    return packs, problems


def _against_vintage(
    pack: Mapping[str, Any], vintage: Mapping[str, Any], vintage_name: str, label: str
) -> list[Problem]:
    """A review pack must use the methodology and scores pre-registered for its review."""
    out = []
    if pack["methodology_hash"] != vintage["methodology_hash"]:
        out.append(
            Problem(
                label,
                None,
                "methodology_hash",
                f"differs from the methodology pre-registered in {vintage_name}",
                pack["methodology_hash"],
            )
        )
    if pack["score_vintage"]["rows_sha256"] != vintage["score_vintage"]["rows_sha256"]:
        out.append(
            Problem(
                label,
                None,
                "score_vintage",
                f"differs from the score vintage pre-registered in {vintage_name}",
                pack["score_vintage"]["rows_sha256"],
            )
        )
    return out


def _row_changes(registered: list[dict[str, Any]], now: list[dict[str, Any]]) -> str:
    """What differs between the registered rows and the ledger's, in words (first six)."""
    old = {r.get("company_id"): r for r in registered}
    new = {r["company_id"]: r for r in now}
    words = [f"{c} removed" for c in sorted(set(old) - set(new), key=str)]
    words += [f"{c} added" for c in sorted(set(new) - set(old), key=str)]
    for c in sorted(set(old) & set(new), key=str):
        diff = [
            f"{k} {old[c].get(k)!r} → {new[c][k]!r}"
            for k in ROW_FIELDS
            if old[c].get(k) != new[c][k]
        ]
        if diff:
            words.append(f"{c}: " + ", ".join(diff))
    shown = "; ".join(words[:6])
    return shown + (f"; and {len(words) - 6} more" if len(words) > 6 else "")


def _ledger_problems(pack: Mapping[str, Any], ledger: Ledger, label: str) -> list[Problem]:
    sv = pack["score_vintage"]
    if sv["source"] != "house":
        return []  # a systematic vintage is recomputed from the ledger and prices, not stored
    cut = pd.Timestamp(pack["review"]["cutoff"])
    now = house_rows(ledger, cut)
    if now == sv["rows"]:
        return []
    return [
        Problem(
            label,
            None,
            "score_vintage.rows",
            f"the house score vintage {sv['as_of']} registered for review "
            f"{pack['review']['review']} no longer equals the ledger's rows in force at the "
            f"cut-off {cut.date()}: {_row_changes(sv['rows'], now)}",
        )
    ]


def _registry_dir(registry_dir: str | os.PathLike[str], must_exist: bool) -> Path:
    d = Path(registry_dir).expanduser()
    if d.exists() and not d.is_dir():
        raise InvalidParameterError(f"registry {str(d)!r} is not a directory")
    if must_exist and not d.is_dir():
        raise InvalidParameterError(
            f"registry {str(d)!r} does not exist (publish a pack first: aiinfra index publish)"
        )
    return d


def verify_registry(registry_dir: str | os.PathLike[str], ledger: Ledger) -> list[Problem]:
    """Every problem of a registry (empty when it verifies), each naming its pack.

    Checks each pack's fields and ``sha256``, the hashes of its rows and methodology, the chain
    (``seq`` 1, 2, … and ``prev_sha256``), one pack per review and kind with the vintage first,
    that a review pack uses the methodology and scores of the vintage pre-registered for its
    review, and that every registered house vintage still equals the ledger's rows in force at
    its review's cut-off (so a later edit of a published vintage fails).
    """
    d = _registry_dir(registry_dir, must_exist=True)
    packs, problems = _chain(d)
    vintages = {
        doc["review"]["review"]: (name, doc) for name, doc in packs if doc["kind"] == "vintage"
    }
    for name, doc in packs:
        label = _label(d, name)
        problems += _ledger_problems(doc, ledger, label)
        pre = vintages.get(doc["review"]["review"])
        if doc["kind"] == "review" and pre is not None:
            problems += _against_vintage(doc, pre[1], pre[0], label)
    return problems


def registry_packs(registry_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """One summary per readable pack in chain order: ``file``, ``seq``, ``kind``, ``review``,
    ``published``, ``score_source``, ``rows``, ``sha256`` (no verification)."""
    d = _registry_dir(registry_dir, must_exist=True)
    files, _ = _read(d)
    out = []
    for name, doc in files:
        if doc is None or _shape(doc, name):
            continue
        out.append(
            {
                "file": name,
                "seq": doc["seq"],
                "kind": doc["kind"],
                "review": doc["review"]["review"],
                "published": doc["published"],
                "score_source": doc["score_vintage"]["source"],
                "rows": len(doc["score_vintage"]["rows"]),
                "sha256": doc["sha256"],
            }
        )
    return out


def find_pack(registry_dir: str | os.PathLike[str], review: str, kind: str) -> Path | None:
    """The file of the pack of ``review`` and ``kind``, if the registry holds one."""
    d = Path(registry_dir).expanduser()
    if not d.is_dir():
        return None
    for entry in sorted(os.listdir(d)):
        m = PACK_NAME.match(entry)
        if m is not None and (m["review"], m["kind"]) == (review, kind):
            return d / entry
    return None


# -- writing -------------------------------------------------------------------------------------


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """An exclusive lock on the registry directory (POSIX): one publisher at a time."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _refusal(
    pack: Mapping[str, Any], packs: list[tuple[str, dict[str, Any]]], d: Path
) -> str | None:
    """Why ``pack`` may not be appended to the chain ``packs`` (None: it may)."""
    rev = pack["review"]
    review, kind = rev["review"], pack["kind"]
    today = resolve_as_of().date().isoformat()
    if pack["published"] > today:
        return f"its published date {pack['published']} is after today ({today})"
    if pack["score_vintage"]["source"] not in ("house", "systematic"):
        return "its score vintage is not point in time (source must be house or systematic)"
    for name, doc in packs:
        if (doc["review"]["review"], doc["kind"]) == (review, kind):
            return (
                f"review {review} already has a {kind} pack: {_label(d, name)} (a registry is "
                "append-only: a published pack is never replaced)"
            )
    if kind == "vintage":
        if pack["published"] >= rev["effective"]:
            return (
                f"a vintage pre-registers the scores before the review takes effect; review "
                f"{review} is effective on {rev['effective']} and the pack is dated "
                f"{pack['published']}"
            )
        done = [
            n for n, doc in packs if (doc["review"]["review"], doc["kind"]) == (review, "review")
        ]
        if done:
            return f"review {review} was already published ({_label(d, done[0])})"
    else:
        pre = [
            (n, doc)
            for n, doc in packs
            if (doc["review"]["review"], doc["kind"]) == (review, "vintage")
        ]
        if pre:
            diff = _against_vintage(pack, pre[0][1], _label(d, pre[0][0]), "pack")
            if diff:
                return "; ".join(p.rule for p in diff)
    return None


#: the order of the fields in a pack file (the hash does not depend on it): what a reader looks
#: for first, the long lists last
_FILE_ORDER = ("seq", "kind", "review", "published", "methodology", "methodology_hash",
               "input_hash", "prices_through", "selection", "weights", "score_vintage",
               "methodology_config", "software", "prev_sha256", "sha256")  # fmt: skip


def _ordered(pack: Mapping[str, Any]) -> dict[str, Any]:
    first = {k: pack[k] for k in _FILE_ORDER if k in pack}
    rest = {k: pack[k] for k in sorted(pack) if k not in first}
    return {**first, **rest}


def publish(registry_dir: str | os.PathLike[str], pack: Mapping[str, Any]) -> Path:
    """Append ``pack`` (from :func:`build_vintage_pack` or :func:`build_review_pack`) to the
    registry: ``seq``, ``prev_sha256`` and ``sha256`` are set here. Returns the new file.

    Raises
    ------
    DataValidationError
        The registry's chain does not verify (every problem, each naming its pack), or the pack
        lacks a field.
    InvalidParameterError
        The registry already holds this review's pack of this kind; a vintage on or after the
        review's effective date or after its review pack; a review pack whose methodology or
        scores differ from the vintage pre-registered for it; a published date after today.
        Nothing is written.
    """
    d = _registry_dir(registry_dir, must_exist=False)
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidParameterError(f"registry {str(d)!r} cannot be created ({exc})") from None
    with _locked(d):
        packs, problems = _chain(d)
        if problems:
            raise DataValidationError(problems, f"registry {d} (nothing published; fix the chain)")
        prev = packs[-1][1] if packs else None
        new = {k: v for k, v in pack.items() if k not in ("seq", "prev_sha256", "sha256")}
        new["seq"] = len(packs) + 1
        new["prev_sha256"] = None if prev is None else prev["sha256"]
        new["sha256"] = ""
        label = f"{d}/<new {new.get('kind')} pack>"
        shape = _shape(new, label)
        if shape:
            raise DataValidationError(shape, "pack (nothing published)")
        try:
            new["sha256"] = pack_sha256(new)
            text = json.dumps(_ordered(new), indent=2, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise InvalidParameterError(
                f"pack of review {new['review']['review']} cannot be written as JSON ({exc}); "
                "nothing published"
            ) from None
        why = _refusal(new, packs, d)
        if why is not None:
            raise InvalidParameterError(
                f"{new['kind']} pack of review {new['review']['review']} refused: {why}. "
                "Nothing was written."
            )
        own = _pack_problems(new, label)  # the rows' and the methodology's hashes
        if own:
            raise DataValidationError(own, "pack (nothing published)")
        target = d / f"{new['seq']:04d}-{new['review']['review']}-{new['kind']}.json"
        with atomic_path(target, "a pack file") as tmp:
            Path(tmp).write_text(text + "\n", encoding="utf-8")
        return target
