"""Indonesian mobile numbers in the one form we store and compare: E.164 digits without the plus.

Two sources write numbers differently. The office's spreadsheet holds national numbers
(`0812-3456-7890`) or `+62…`; Telegram reports the account's number internationally, usually
without the plus (`6281234567890`, but also `85291234567` for a Hong Kong account). Reading a
Telegram number as national would let a foreign number (+852 9123 4567, a Japanese
81234567890) collide with an Indonesian one (0852…, 0812…), so each source has its own parser
and only numbers that `phonenumbers` calls Indonesian mobiles are accepted at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import phonenumbers

_REGION = "ID"
# Longer input is not a phone number; it also bounds the work phonenumbers does.
_MAX_INPUT = 40


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    # phonenumbers' metadata takes a tenth of a second to import; commands that never see a
    # phone number (and `presensi --help`) should not pay for it.
    import phonenumbers

    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def _indonesian_mobile(number: phonenumbers.PhoneNumber | None) -> str | None:
    import phonenumbers

    if number is None or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.region_code_for_number(number) != _REGION:
        return None
    if phonenumbers.number_type(number) not in (phonenumbers.PhoneNumberType.MOBILE,
                                                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]


def normalize_imported_phone(raw: str) -> str | None:
    """A number from the office's file (`0812…`, `+62 812…`, `62812…`) → `62812…`, or None."""
    text = raw.strip()
    if not text or len(text) > _MAX_INPUT:
        return None
    if text.startswith("62"):
        # Spreadsheets drop the plus; a bare `812…` is a national number whose 0 Excel dropped.
        text = "+" + text
    return _indonesian_mobile(_parse(text, _REGION))


def normalize_telegram_phone(raw: str) -> str | None:
    """A number Telegram reports for an account (international, plus optional) → `62812…`.

    None when it is not an Indonesian mobile, so a foreign account never matches an employee.
    """
    text = raw.strip()
    if not text or len(text) > _MAX_INPUT:
        return None
    if not text.startswith("+"):
        text = "+" + text
    return _indonesian_mobile(_parse(text, None))

