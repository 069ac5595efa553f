"""The README's command block runs as written, in order, from the project root of a fresh copy.

The copy is a temporary folder with the project's code linked in and an empty ``data/`` (reference data
linked), so the commands' outputs (``data/demo/…``, the database) land there and not in the working tree.
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("readme")]


def readme_commands() -> list[str]:
    """The lines of the README's ``sh`` blocks, without ``make`` (the two commands that got us here)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            command = line.split("  #")[0].strip()
            if command and not command.startswith("make "):
                lines.append(command)
    return lines


def test_readme_has_the_two_commands_and_a_runnable_block():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
    commands = readme_commands()
    assert commands[0] == ". .venv/bin/activate"
    assert any(c.startswith("python -m etl") for c in commands)
    assert any(c.startswith("python -m monitor") for c in commands)


def test_every_readme_command_runs_as_written(tmp_path):
    project = tmp_path / "ik-monitor"
    project.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in {"data", ".git"}:
            (project / entry.name).symlink_to(entry)
    (project / "data").mkdir()
    (project / "data" / "reference").symlink_to(ROOT / "data" / "reference")
    env = {k: v for k, v in os.environ.items() if not k.startswith("IK_MONITOR_DB")}
    env["IK_MONITOR_DB"] = str(project / "data" / "monitor.duckdb")  # the code's own default resolves links
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)
    script = "set -e\n" + "\n".join(f"echo '$ {c}'\n{c}" for c in readme_commands())
    done = subprocess.run(["bash", "-c", script], cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    for made in ("demo/vorlage.xlsx", "demo/briefing.pdf", "demo/kachel.png", "demo/laenderbericht.pdf",
                 "demo/bedarfsplanung.xlsx", "monitor.duckdb", "monitor-releases/release-0001.duckdb",
                 "public/release-0001.duckdb"):
        assert (project / "data" / made).stat().st_size > 0, made
