-- The number Telegram reported when an account bound itself by contact (E.164 digits), so a
-- binding can be re-checked against today's rules; and the first day an employee no longer
-- works here (YYYY-MM-DD, office zone), so the month's recap stops at their last active day.
ALTER TABLE employees ADD COLUMN telegram_phone TEXT;
ALTER TABLE employees ADD COLUMN deactivated_on TEXT;
