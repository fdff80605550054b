"""Start-up benchmark: `mentor TOPIC` (a full guide) against the floor of any Typer + Rich CLI.

Run: python benchmarks/startup.py [--runs 15] [--topic jwt] [--instructions]

The floor is a minimal Typer app with one typed option that prints one Rich line: no CLI built
on Typer and Rich can start faster. `mentor TOPIC` loads the cached curriculum, searches it and
renders the whole guide (output piped, so no pager). Each command runs --runs times, alternating
with the other, in a fresh interpreter; the best (minimum) CPU time and wall time are compared,
as they are the least disturbed by other load on the machine. Byte-code is cached for both, as after
`pip install`. Target: mentor <= 1.3 x floor.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR_APP = """
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer()


@app.command()
def main(name: Annotated[str, typer.Option("--name", help="Who to greet.")] = "world") -> None:
    Console().print(f"Hello [bold]{name}[/bold]")


app()
"""


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run in a fresh interpreter."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--topic", default="jwt")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count CPU instructions of one run each under valgrind (repeatable under load)",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        floor_file = Path(tmp) / "floor.py"
        floor_file.write_text(FLOOR_APP)
        env = {
            **os.environ,
            "BACKEND_MENTOR_HOME": str(Path(tmp) / "home"),
            "BACKEND_MENTOR_CACHE_DIR": str(Path(tmp) / "cache"),
            "COLUMNS": "100",
        }
        env.pop("BACKEND_MENTOR_CURRICULUM_PATH", None)
        # As installed: pip compiles byte-code at install time, so both sides run from cached .pyc
        # (the warm-up run writes them even where PYTHONDONTWRITEBYTECODE is set for development).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        commands = {
            "floor: Typer app, one option, one Rich line": [sys.executable, str(floor_file), "--name", "learner"],
            f"backend-mentor mentor {args.topic} (full guide)": [
                sys.executable,
                "-m",
                "backend_mentor",
                "mentor",
                args.topic,
            ],
        }
        for command in commands.values():  # warm the curriculum cache and the OS file cache
            timed(command, env)
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                wall, cpu = timed(command, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
        counts = {name: instructions(command, env) for name, command in commands.items()} if args.instructions else {}

    floor_name = next(iter(commands))
    wall = {name: min(values) for name, values in walls.items()}
    cpu = {name: min(values) for name, values in cpus.items()}
    width = max(len(name) for name in commands)
    print(f"| {'command':<{width}} | CPU ms (best) | × floor | wall ms (best) | × floor |")
    print(f"| {'-' * width} | ------------: | ------: | -------------: | ------: |")
    for name in commands:
        print(
            f"| {name:<{width}} | {1000 * cpu[name]:13.0f} | {cpu[name] / cpu[floor_name]:6.2f}× "
            f"| {1000 * wall[name]:14.0f} | {wall[name] / wall[floor_name]:6.2f}× |"
        )
    print(f"\n{args.runs} runs each, alternating; Python {sys.version.split()[0]}. CPU time (user + system)")
    print("is the steadier figure on a shared machine; wall time also counts waiting for the CPU.")
    if counts:
        print(f"\n| {'command':<{width}} | instructions (valgrind) | × floor |")
        print(f"| {'-' * width} | ----------------------: | ------: |")
        for name, count in counts.items():
            print(f"| {name:<{width}} | {count / 1e6:21.0f} M | {count / counts[floor_name]:6.2f}× |")
    return 0


def instructions(command: list[str], env: dict[str, str]) -> int:
    """Instructions executed by one run (valgrind's callgrind): the same count however loaded the machine is."""
    import re

    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    return int(re.findall(r"Collected : (\d+)", result.stderr)[-1])


if __name__ == "__main__":
    sys.exit(main())
