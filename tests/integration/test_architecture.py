"""The shape of the code that a machine can check (issue 13; DESIGN.md "Layout"):

* no module imports a private name (``aiinfra.pkg._module`` or ``_name``) of another package;
* no function in ``src/`` is longer than 120 lines without a ``# long: <why>`` note above it.

The import layers themselves are import-linter's contract (``make lint``, pyproject.toml).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "aiinfra"
LONG = 120


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(parts), path))
    return out


def _package(module: str) -> str:
    """``aiinfra.flows._cycles`` → ``aiinfra.flows``; top-level modules are their own package."""
    parts = module.split(".")
    return ".".join(parts[:2])


def _imports(tree: ast.AST, module: str, is_pkg: bool) -> list[tuple[int, str, str | None]]:
    out: list[tuple[int, str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_pkg else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            out += [(node.lineno, base, a.name) for a in node.names]
    return out


def test_no_package_imports_another_packages_private_names():
    bad = []
    for module, path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        mine = _package(module)
        for line, target, name in _imports(tree, module, path.name == "__init__.py"):
            if not target.startswith("aiinfra.") and target != "aiinfra":
                continue
            theirs = _package(target) if target != "aiinfra" else "aiinfra"
            if theirs == mine or theirs == "aiinfra":
                continue
            private_module = any(p.startswith("_") for p in target.split(".")[2:])
            private_name = name is not None and name.startswith("_")
            top_private = target.split(".")[1].startswith("_") if "." in target else False
            if top_private:  # aiinfra._io, aiinfra._csv …: shared private helpers of the package
                continue
            if private_module or private_name:
                bad.append(f"{path.relative_to(SRC)}:{line}: {target}{'.' + name if name else ''}")
    assert not bad, "\n".join(bad)


def test_no_function_over_120_lines_without_a_note():
    bad = []
    for _, path in _modules():
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                note = "\n".join(lines[max(0, first - 3) : first])
                if length > LONG and "# long:" not in note:
                    bad.append(
                        f"{path.relative_to(SRC)}:{node.lineno} {node.name} ({length} lines)"
                    )
    assert not bad, "\n".join(bad)
