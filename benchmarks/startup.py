"""Start-up benchmark: `mentor TOPIC` (a full guide) against the floor of any Typer + Rich CLI.

Run: python benchmarks/startup.py [--runs 15] [--topic jwt]

The floor is a minimal Typer app with one typed option that prints one Rich line: no CLI built
on Typer and Rich can start faster. `mentor TOPIC` loads the cached curriculum, searches it and
renders the whole guide (output piped, so no pager). Each command runs --runs times, alternating
with the other, in a fresh interpreter; the best (minimum) wall time is compared, as it is the
least disturbed by other load on the machine. Byte-code is cached for both, as after
`pip install`. Target: mentor <= 1.3 x floor.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR_APP = '''
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer()


@app.command()
def main(name: Annotated[str, typer.Option("--name", help="Who to greet.")] = "world") -> None:
    Console().print(f"Hello [bold]{name}[/bold]")


app()
'''


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--topic", default="jwt")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        floor_file = Path(tmp) / "floor.py"
        floor_file.write_text(FLOOR_APP)
        env = {**os.environ, "BACKEND_MENTOR_HOME": str(Path(tmp) / "home"),
               "BACKEND_MENTOR_CACHE_DIR": str(Path(tmp) / "cache"), "COLUMNS": "100"}  # fmt: skip
        env.pop("BACKEND_MENTOR_CURRICULUM_PATH", None)
        # As installed: pip compiles byte-code at install time, so both sides run from cached .pyc
        # (the warm-up run writes them even where PYTHONDONTWRITEBYTECODE is set for development).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        commands = {
            "floor: Typer app, one option, one Rich line": [sys.executable, str(floor_file), "--name", "learner"],
            f"backend-mentor mentor {args.topic} (full guide)": [sys.executable, "-m", "backend_mentor", "mentor",
                                                                 args.topic],
        }  # fmt: skip
        for command in commands.values():  # warm the curriculum cache and the OS file cache
            timed(command, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(command, env))

    floor_name, mentor_name = list(commands)
    best = {name: min(values) for name, values in times.items()}
    median = {name: sorted(values)[len(values) // 2] for name, values in times.items()}
    width = max(len(name) for name in commands)
    print(f"| {'command':<{width}} | best (ms) | median (ms) | × floor (best) |")
    print(f"| {'-' * width} | --------: | ----------: | -------------: |")
    for name in commands:
        ratio = best[name] / best[floor_name]
        print(f"| {name:<{width}} | {1000 * best[name]:9.0f} | {1000 * median[name]:11.0f} | {ratio:13.2f}× |")
    print(f"\n{args.runs} runs each, alternating; Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
