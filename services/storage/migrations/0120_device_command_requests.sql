-- ADMS commands an admin asks for from chat: the commands of one request share a batch (the id
-- of its first command), so the admin is told once, when the machine has answered all of them.
ALTER TABLE device_commands ADD COLUMN batch INTEGER;
ALTER TABLE device_commands ADD COLUMN purpose TEXT;          -- users / time
ALTER TABLE device_commands ADD COLUMN subject TEXT;          -- the PIN a user command writes
ALTER TABLE device_commands ADD COLUMN requested_by TEXT;     -- the admin's NIP
ALTER TABLE device_commands ADD COLUMN reply_chat_id INTEGER; -- the chat the request came from
CREATE INDEX device_commands_batch ON device_commands (batch) WHERE batch IS NOT NULL;
