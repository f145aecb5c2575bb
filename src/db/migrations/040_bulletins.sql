-- 040: bulletins ("bản tin": new procedures, deadlines, legal news) that editors write and send to
-- channels: the web chat welcome ('webchat') and the Zalo OA's followers ('zalo'). A bulletin goes
-- draft → scheduled → sending → sent (or failed); draft and scheduled ones can be cancelled. The
-- scheduler of every process claims due bulletins with FOR UPDATE SKIP LOCKED and holds a lease
-- (next_run_at, fenced by run_token) while it sends, so one bulletin is never sent by two processes;
-- deliveries deferred by a quota keep the bulletin 'sending' with next_run_at at their retry time.
-- (src/bulletins/README.md.)

CREATE TABLE bulletins (
  id          bigserial PRIMARY KEY,
  -- Zalo's promotion message: header ≤ 100 characters, text element kept ≤ 1000 (NFC code points).
  title       text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100 AND title !~ '[\r\n]'),
  body        text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 1000),
  link        text CHECK (link IS NULL OR (link ~ '^https?://' AND char_length(link) <= 500)),
  channels    text[] NOT NULL CHECK (cardinality(channels) > 0 AND channels <@ ARRAY['webchat', 'zalo']),
  status      text NOT NULL DEFAULT 'draft'
              CHECK (status IN ('draft', 'scheduled', 'sending', 'sent', 'cancelled', 'failed')),
  scheduled_at timestamptz,                -- when it is to go out (set by schedule / send now)
  sent_at     timestamptz,                 -- when it first went out (the web chat welcome shows it from then)
  completed_at timestamptz,                -- when every channel was done (sent or failed)
  show_until  timestamptz,                 -- end of its place in the web chat welcome (NULL = 14 days after sent_at)
  next_run_at timestamptz,                 -- when a scheduler should next work on it (due time, lease, retry)
  run_token   uuid,                        -- the run holding the lease; renewals and results are fenced by it
  listed      text[] NOT NULL DEFAULT '{}', -- channels whose recipients have all been listed into deliveries
  error       text,                        -- why a channel could not send at all (status 'failed')
  author      text NOT NULL,
  updated_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (status = 'draft' OR status = 'cancelled' OR scheduled_at IS NOT NULL)
);
CREATE INDEX bulletins_due ON bulletins (next_run_at) WHERE status IN ('scheduled', 'sending');
CREATE INDEX bulletins_list ON bulletins (updated_at DESC);
CREATE INDEX bulletins_welcome ON bulletins (sent_at DESC) WHERE sent_at IS NOT NULL AND 'webchat' = ANY (channels);

-- One row per recipient of a channel. `target` is the recipient as the channel names it: for Zalo the
-- follower's OA-scoped user id exactly as Zalo gives it (not masked: it is the key that makes a retry
-- skip who already got the bulletin and lets deferred deliveries be sent later; it is a pseudonymous id
-- meaningful only to this OA, already kept in transcripts as 'zalo:<id>'; the editor shows it masked);
-- for the web chat the single row 'welcome'; '*' when the channel could not be used at all.
CREATE TABLE bulletin_deliveries (
  id            bigserial PRIMARY KEY,
  bulletin_id   bigint NOT NULL REFERENCES bulletins (id) ON DELETE CASCADE,
  channel       text NOT NULL,
  target        text NOT NULL,
  status        text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent', 'published', 'deferred', 'failed', 'skipped')),
  attempts      integer NOT NULL DEFAULT 0,
  error_code    integer,                   -- the channel's code (Zalo `error`), when it gave one
  error_message text,
  message_id    text,                      -- the channel's id of the sent message
  retry_at      timestamptz,               -- for 'deferred': not before then
  attempted_at  timestamptz,
  UNIQUE (bulletin_id, channel, target)
);
CREATE INDEX bulletin_deliveries_todo ON bulletin_deliveries (bulletin_id, channel, id)
  WHERE status IN ('pending', 'deferred', 'sending');
