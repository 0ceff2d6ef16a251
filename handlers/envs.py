"""What each feature's handlers take from the configuration, built once by `bot.app`.

Handlers never see `Settings`: each feature is handed the plain policies it acts on, so the
config's shape can change without touching an adapter, and a handler's inputs are visible in
one dataclass. `bot.app.feature_envs` builds them; handlers read them with `context.env(Kind)`.
The domain's own environments (`services.workflows.files.WorkflowEnv`,
`services.recap.RecapEnv`) are published the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from device.config import DeviceSettings
from services.attendance_policy import AttendancePolicy
from services.location_policy import LocationPolicy
from services.office import Office
from services.request_policy import RequestPolicy
from services.workflows.model import Catalogue


@dataclass(frozen=True)
class OfficeEnv:
    office: Office
    # Where operational trouble (errors, undeliverable messages) is reported; None: the log only.
    admin_chat_id: int | None


@dataclass(frozen=True)
class RequestEnv:
    policy: RequestPolicy
    catalogue: Catalogue
    # How long the text after Tolak / Kembalikan is taken as the reason for that card.
    reason_prompt_minutes: int


@dataclass(frozen=True)
class AttendanceEnv:
    policy: AttendancePolicy


@dataclass(frozen=True)
class LocationEnv:
    policy: LocationPolicy


@dataclass(frozen=True)
class MachinesEnv:
    devices: DeviceSettings
