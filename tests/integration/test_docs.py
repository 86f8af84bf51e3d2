"""Documentation stays in step with the code."""

from __future__ import annotations

import re

import typer.main

from aiinfra.app import app
from tests.conftest import ROOT


def _commands(group: typer.Typer, prefix: str = "") -> list[str]:
    click_group = typer.main.get_command(group)
    out: list[str] = []

    def walk(cmd, path):
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            out.append(" ".join(path))

    walk(click_group, [])
    return out


def test_every_cli_command_is_documented():
    doc = (ROOT / "docs" / "cli.md").read_text()
    commands = _commands(app)
    assert len(commands) >= 15
    missing = [c for c in commands if f"aiinfra {c}" not in doc]
    assert not missing, f"undocumented commands: {missing}"


def test_readme_has_exactly_two_setup_commands():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", section, flags=re.S)
    commands = [line for b in blocks for line in b.strip().splitlines() if line.strip()]
    assert commands == ["make install", "make test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci


def test_every_data_file_of_the_package_is_declared_as_package_data():
    import fnmatch
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["aiinfra"]
    pkg = ROOT / "src" / "aiinfra"
    data = [
        p.relative_to(pkg).as_posix()
        for p in pkg.rglob("*")
        if p.suffix in {".csv", ".yaml", ".yml", ".json"}
    ]
    assert data, "expected packaged data files"
    missing = [f for f in data if not any(fnmatch.fnmatch(f, pat) for pat in patterns)]
    assert not missing, f"not shipped in a wheel: {missing}"


def test_the_scenario_example_in_the_stress_docs_runs(tmp_path):
    import aiinfra

    doc = (ROOT / "docs" / "stress.md").read_text()
    example = re.findall(r"```yaml\n(.*?)```", doc, flags=re.S)[0]
    (tmp_path / "s.yaml").write_text(example)
    r = aiinfra.stress(aiinfra.load_ledger(), str(tmp_path / "s.yaml"), as_of="2026-11-01")
    assert r.scenario.name == "lab_default" and r.to_frame()["loss_usd"].sum() > 0
