"""CLI subcommands, one module each. Every module exposes `register(subparsers)`; the
subcommand's `handler(args, settings_loader)` returns the process exit code."""
