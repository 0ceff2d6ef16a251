"""Keyboards shared by several features."""

from telegram import KeyboardButton, ReplyKeyboardMarkup

from handlers.texts import common as texts


def share_phone() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup([[KeyboardButton(texts.SHARE_PHONE_BUTTON, request_contact=True)]],
                               resize_keyboard=True, one_time_keyboard=True)
