"""Distances on the Earth for geofences: haversine on a sphere of the mean Earth radius.

Over a few hundred metres the spherical error (≤ 0.5 %) is far below a phone's GPS accuracy,
so nothing finer (Vincenty, WGS 84) is worth its cost.
"""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8   # IUGG mean radius


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two points in decimal degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    # min() guards asin against rounding just above 1 for antipodal points.
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def speed_kmh(distance: float, seconds: float) -> float:
    """Speed between two fixes; two fixes in the same second count as one second apart,
    since Telegram stamps updates in whole seconds."""
    return distance / max(seconds, 1.0) * 3.6


def valid_coordinates(latitude: float, longitude: float) -> bool:
    return -90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0
