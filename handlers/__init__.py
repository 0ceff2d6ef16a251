"""Telegram adapters: parse the update, call one service function, render the result.

Each feature module exposes `register(app)`; bot.app decides the order.
"""
