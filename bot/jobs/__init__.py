"""Scheduled jobs (PTB JobQueue); each module is a lifecycle module listed in bot.app."""
