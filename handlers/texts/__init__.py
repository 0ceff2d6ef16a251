"""Every user-facing sentence of the bot, in formal Indonesian, one module per feature.

Reading these modules is reading the whole language of the bot.
"""
