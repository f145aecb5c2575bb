-- 001: the first schema: conversations and their messages, bot state, handoffs, officers and their
-- sessions, the audit log, feedback. Personal data: user_ref and message text are stored masked.

CREATE TABLE conversations (
  id               text PRIMARY KEY,            -- the channel's conversation id (e.g. 'zalo:…', 'twilio:CA…')
  channel          text NOT NULL,
  user_ref         text,                        -- the citizen's channel id, masked
  started_at       timestamptz NOT NULL DEFAULT now(),
  last_activity_at timestamptz NOT NULL DEFAULT now(),
  state            text NOT NULL DEFAULT 'bot' CHECK (state IN ('bot', 'queued', 'agent'))
);
CREATE INDEX conversations_last_activity ON conversations (last_activity_at DESC);

CREATE TABLE messages (
  id                bigserial PRIMARY KEY,
  conversation_id   text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  direction         text NOT NULL CHECK (direction IN ('in', 'out')),
  channel           text NOT NULL,
  activity_id       text,
  text              text NOT NULL DEFAULT '',   -- masked
  intent            text,
  procedure         text,
  facet             text,
  confidence        real,
  decision          text,
  knowledge_version text,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_conversation_created ON messages (conversation_id, created_at);

CREATE TABLE bot_state (
  id         text PRIMARY KEY,
  doc        jsonb NOT NULL,
  etag       text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id            bigserial PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  roles         text[] NOT NULL DEFAULT '{}'
                CHECK (roles <@ ARRAY['agent', 'supervisor', 'editor', 'admin']::text[]),
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  id         text PRIMARY KEY,                  -- a hash of the session cookie, never the cookie itself
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE handoffs (
  id              bigserial PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  channel         text NOT NULL,
  priority        smallint NOT NULL DEFAULT 0,  -- higher first
  status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'assigned', 'closed')),
  reason          text NOT NULL,
  requested_at    timestamptz NOT NULL DEFAULT now(),
  assigned_to     bigint REFERENCES users (id),
  assigned_at     timestamptz,
  closed_at       timestamptz,
  close_reason    text
);
-- The queue, in claim order (SELECT … WHERE status = 'queued' ORDER BY priority DESC, requested_at
-- FOR UPDATE SKIP LOCKED), and at most one open handoff per conversation.
CREATE INDEX handoffs_queue ON handoffs (priority DESC, requested_at) WHERE status = 'queued';
CREATE UNIQUE INDEX handoffs_one_open ON handoffs (conversation_id) WHERE status <> 'closed';
CREATE INDEX handoffs_assigned ON handoffs (assigned_to) WHERE status = 'assigned';

CREATE TABLE audit_log (
  id      bigserial PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  actor   text NOT NULL,                        -- a username, or 'system'
  action  text NOT NULL,
  subject text,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE feedback (
  id              bigserial PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  message_id      bigint REFERENCES messages (id) ON DELETE SET NULL,
  rating          smallint NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('thumbs', 'csat')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'thumbs' AND rating IN (-1, 1)) OR (kind = 'csat' AND rating BETWEEN 1 AND 5))
);
CREATE INDEX feedback_conversation ON feedback (conversation_id);
