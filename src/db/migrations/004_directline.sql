-- 004: Direct Line conversations shared by every app process (channels/directline/postgres-store.ts),
-- and the deployment-wide secrets the processes must agree on (the Direct Line token key when
-- DIRECTLINE_SECRET is unset).

CREATE TABLE directline_conversations (
  id          text PRIMARY KEY,                 -- the Direct Line conversation id (no 'directline:' prefix)
  user_id     text NOT NULL,                    -- the user of the conversation's token ('dl_…')
  seq         integer NOT NULL DEFAULT 0,       -- the watermark of the newest activity
  created_at  timestamptz NOT NULL DEFAULT now(),
  last_active timestamptz NOT NULL DEFAULT now()
);
-- The expiry sweep: idle conversations, oldest first.
CREATE INDEX directline_conversations_last_active ON directline_conversations (last_active);

-- The kept activities (the last N of each conversation), without their id: it is `<conversation>|<seq>`.
-- `json`, not `jsonb`: stored as sent (jsonb refuses \u0000, which a citizen's text may hold).
CREATE TABLE directline_activities (
  conversation_id text NOT NULL REFERENCES directline_conversations (id) ON DELETE CASCADE,
  seq             integer NOT NULL,
  body            json NOT NULL,
  PRIMARY KEY (conversation_id, seq)
);

CREATE TABLE app_secrets (
  name       text PRIMARY KEY,
  value      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
