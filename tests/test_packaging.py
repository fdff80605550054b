"""The built wheel carries the curriculum and runs from anywhere."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_finds_the_shipped_curriculum(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("backend_mentor-*.whl")
    env_dir = tmp_path / "venv"
    # pip >= 22.3 installs into another environment (--python), which spares the new one its own pip
    # (ensurepip: about 5 s of CPU); an older pip gets a venv with pip, as before.
    outer_pip = importlib.metadata.version("pip")
    can_target = tuple(int(part) for part in re.findall(r"\d+", outer_pip)[:2]) >= (22, 3)
    venv.create(env_dir, with_pip=not can_target)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    pip = (
        [sys.executable, "-m", "pip", "--python", str(bin_dir / "python")]
        if can_target
        else [str(bin_dir / "python"), "-m", "pip"]
    )
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # Dependencies come from this interpreter's site-packages. PYTHONPATH entries are not site
    # directories, so the editable install's .pth file here is ignored: only the wheel is seen.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
        "BACKEND_MENTOR_HOME": str(tmp_path / "home"),
    }
    env.pop("BACKEND_MENTOR_CACHE_DIR", None)
    result = subprocess.run(
        [str(bin_dir / "backend-mentor"), "curriculum", "info", "--json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    shipped = Path(info["sources"][0])
    assert shipped.name == "curriculum_data" and env_dir in shipped.parents
    assert info["counts"]["topics"] >= 10 and info["counts"]["checkpoints"] == 8
    starter = subprocess.run(
        [str(bin_dir / "backend-mentor"), "checkpoint", "start", "complex-sql-joins", "sql-work", "--json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert starter.returncode == 0, starter.stderr
    assert (elsewhere / "sql-work" / "shop.db").stat().st_size > 0  # the verifier's assets are in the wheel
    module = subprocess.run(
        [str(bin_dir / "python"), "-m", "backend_mentor", "--version"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert module.returncode == 0 and module.stdout.startswith("backend-mentor ")
