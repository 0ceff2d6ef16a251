"""Start-up of `presensi` commands that need neither Telegram nor reportlab (goal <= 0.5 s).

Each command runs in a fresh process, as an operator runs it, alternating with a bare
`python -c pass` of the same interpreter, so the figures can be read against what the machine
gives any Python process right now (on a shared, loaded machine both grow together). Prints the
median of each and the ratio to the bare interpreter, and which heavy packages a command loaded.
The bytecode of our modules is cached (in the bench's temporary folder), as an installed package
has it; with PYTHONDONTWRITEBYTECODE set, a checkout would compile every module on every run.

    .venv/bin/python bench/bench_startup.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONFIG = """
[database]
path = "startup.sqlite3"

[office]
name = "Bench"
government = "Bench"
timezone = "Asia/Jakarta"
address = "-"
city = "-"
unit_code = "B"

[[devices]]
name = "Bench"
host = "127.0.0.1"
port = 1
protocol = "tcp"
"""
HEAVY = ("telegram", "reportlab", "openpyxl", "aiohttp", "phonenumbers", "holidays", "zk",
         "hijridate", "yaml")
PROBE = ("import sys\nfrom bot.cli import main\ntry:\n    main(sys.argv[1:])\n"
         "except SystemExit:\n    pass\n"
         f"print('LOADED', *sorted(m for m in {HEAVY!r} if m in sys.modules))\n")


def timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=False, env=env)
    return time.perf_counter() - started


def loaded(args: list[str]) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          check=False)
    line = next((w for w in done.stdout.splitlines() if w.startswith("LOADED")), "LOADED ?")
    return line.removeprefix("LOADED").strip() or "-"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    presensi = str(Path(sys.executable).with_name("presensi"))
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "startup.toml"
        config.write_text(CONFIG, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        subprocess.run([presensi, "--config", str(config), "migrate"], capture_output=True,
                       check=True, env=env)
        commands = {
            "presensi --help": ["--help"],
            "presensi device --help": ["device", "--help"],
            "presensi device list": ["--config", str(config), "device", "list"],
            "presensi device unknown-users": ["--config", str(config), "device",
                                              "unknown-users"],
        }
        for argv in commands.values():                  # fills the bytecode cache
            timed([presensi, *argv], env)
        bare: list[float] = []
        runs: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.rounds):
            for name, argv in commands.items():
                bare.append(timed([sys.executable, "-c", "pass"], env))
                runs[name].append(timed([presensi, *argv], env))
        base = statistics.median(bare)
        print(f"bare `python -c pass`          : {base:6.3f} s (median of {len(bare)})")
        for name, times in runs.items():
            median = statistics.median(times)
            print(f"{name:<31}: {median:6.3f} s  ratio to bare {median / base:4.1f}  "
                  f"(goal <= 0.5 s)  loads: {loaded(commands[name])}")
        print(f"load average                   : "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
