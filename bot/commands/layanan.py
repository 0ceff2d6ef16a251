"""`presensi layanan`: check the SOP definitions and show the catalogue the bot would load.

Reading the settings validates every definition, so an invalid file ends this command with the
same one-line error (file and key) as `presensi run`, without starting the bot.
"""

from __future__ import annotations

import argparse

from bot.commands.common import settings_from
from services.workflows.model import describe_actor


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "layanan", help="periksa definisi layanan SOP dan tampilkan katalognya",
        description="Memuat definisi bawaan dan folder [workflows] dir, memeriksanya, lalu "
                    "menampilkan setiap layanan dengan langkah, pelaksana dan waktu standarnya.")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    workflows = settings.workflows
    workday = workflows.hours.workday_minutes
    source = str(workflows.dir) if workflows.dir else "hanya definisi bawaan"
    print(f"Definisi layanan valid ({source}); {len(workflows.catalogue.workflows)} definisi.")
    for workflow in workflows.catalogue.workflows:
        kind = ("layanan /layanan" if workflow.kind == "layanan"
                else "rantai " + ", ".join(workflow.request_types))
        print(f"\n{workflow.key}: {workflow.name} [{kind}], total waktu standar "
              f"{workflow.total_minutes(workday)} menit kerja")
        for index, step in enumerate(workflow.steps, start=1):
            flags = " + nomor agenda" if step.assigns_agenda else ""
            print(f"  {index}. {step.title} ({describe_actor(step.actor)}): "
                  f"{step.time_standard.describe()}, {'/'.join(step.actions)}{flags}")
    return 0
