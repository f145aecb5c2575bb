-- 010: the knowledge in PostgreSQL. Every file of knowledge/ (guides/…/*.md and the YAML files) has
-- revisions: draft → in_review → published (or rejected). The live knowledge at a moment is, for each
-- path, the most recently published revision whose effective_from has come (NULL = at once); if that
-- revision's effective_until has passed (or it deletes the file), the path is absent. Publishing
-- NOTIFYs 'knowledge_releases' so every process rebuilds its index and swaps it in.

CREATE TABLE knowledge_revisions (
  id              bigserial PRIMARY KEY,
  path            text NOT NULL CHECK (path ~ '^(guides/[a-z0-9-]+/[a-z0-9-]+\.md|[a-z-]+\.yaml)$'),
  source          text NOT NULL,
  deletes         boolean NOT NULL DEFAULT false,   -- a revision that removes the file
  status          text NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'in_review', 'published', 'rejected')),
  base_id         bigint REFERENCES knowledge_revisions (id),  -- the revision it was edited from
  author          text NOT NULL,
  note            text NOT NULL DEFAULT '',
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  submitted_at    timestamptz,
  reviewed_by     text,
  reviewed_at     timestamptz,
  review_note     text,
  published_at    timestamptz,
  effective_from  timestamptz,
  effective_until timestamptz,
  gate            jsonb,                            -- the last publish gate's report
  CHECK (effective_until IS NULL OR effective_from IS NULL OR effective_until > effective_from),
  CHECK ((status = 'published') = (published_at IS NOT NULL))
);
CREATE INDEX knowledge_revisions_path ON knowledge_revisions (path, id DESC);
CREATE INDEX knowledge_revisions_published ON knowledge_revisions (published_at DESC) WHERE status = 'published';
CREATE INDEX knowledge_revisions_pending ON knowledge_revisions (status, updated_at DESC) WHERE status IN ('draft', 'in_review');
