-- Tenancy: monthly compute limits, grants of locations beyond an account's own files, round-robin
-- claims across accounts, and the request digest idempotency keys are checked against.

ALTER TABLE accounts ADD COLUMN monthly_seconds DOUBLE PRECISION DEFAULT 1000;  -- NULL: unlimited
ALTER TABLE accounts ADD COLUMN last_claimed_at BIGINT NOT NULL DEFAULT 0;

CREATE TABLE grants (
  account   VARCHAR(63)   NOT NULL,
  prefix    VARCHAR(1024) NOT NULL,
  read_only BOOLEAN       NOT NULL,
  PRIMARY KEY (account, prefix)
);

ALTER TABLE jobs ADD COLUMN request_hash VARCHAR(64);

CREATE INDEX jobs_account_status ON jobs (account, status);
CREATE INDEX uploads_account ON uploads (account, expires_at);
