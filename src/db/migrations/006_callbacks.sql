-- 006: callback requests left outside opening hours (src/handoff/callbacks.ts). Unlike message text,
-- `phone` holds the citizen's real number, in the national form an officer dials ('0912345678'):
-- officers must call it. It is never logged; delete or blank it once handled if retention requires.
-- Each request also opens a handoff (reason 'callback') so it shows in the officers' queue.

CREATE TABLE callback_requests (
  id              bigserial PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  channel         text NOT NULL,
  phone           text NOT NULL CHECK (phone ~ '^0[0-9]{9,10}$'),
  reason          text NOT NULL,                -- what triggered the handoff: asked, complaint, own_file, …
  requested_at    timestamptz NOT NULL DEFAULT now(),
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  handled_by      bigint REFERENCES users (id),
  handled_at      timestamptz,
  note            text
);
-- Officers' list of open requests, oldest first; and the requests of one conversation.
CREATE INDEX callback_requests_open ON callback_requests (requested_at) WHERE status = 'open';
CREATE INDEX callback_requests_conversation ON callback_requests (conversation_id);
