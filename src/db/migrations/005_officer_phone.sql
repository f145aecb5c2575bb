-- 005: phone handoffs. An officer's own phone number, which the console rings to connect them to a
-- caller waiting in the queue (NULL = the channel's fallback, TWILIO_HANDOFF_DIAL); and the sealed
-- phone number behind an SMS conversation handed to an officer, so replies and the CSAT question can
-- be sent by SMS (channels/twilio/sms-contacts.ts: AES-256-GCM, never stored or logged in clear).

ALTER TABLE users ADD COLUMN phone text
  CHECK (phone IS NULL OR phone ~ '^(\+[1-9][0-9]{5,14}|sips?:\S+)$');

CREATE TABLE sms_contacts (
  conversation_id text PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
  phone_sealed    bytea NOT NULL,               -- iv | GCM tag | ciphertext
  updated_at      timestamptz NOT NULL DEFAULT now()
);
