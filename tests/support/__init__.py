"""Test support: a recording Bot API, Update builders, a harness around the real Application."""
