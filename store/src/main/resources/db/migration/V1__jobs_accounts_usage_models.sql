-- The store's first schema. Portable SQL: the same file runs on SQLite and PostgreSQL.
-- Times are epoch milliseconds (BIGINT); statuses are the contract's enums, lowercase.

CREATE TABLE accounts (
  name       VARCHAR(63) PRIMARY KEY,
  key_hash   CHAR(64)    NOT NULL UNIQUE,
  created_at BIGINT      NOT NULL
);

CREATE TABLE jobs (
  id               VARCHAR(64)  PRIMARY KEY,
  account          VARCHAR(63)  NOT NULL,
  kind             VARCHAR(16)  NOT NULL,
  spec             TEXT         NOT NULL,
  status           VARCHAR(16)  NOT NULL,
  created_at       BIGINT       NOT NULL,
  started_at       BIGINT,
  finished_at      BIGINT,
  attempts         INTEGER      NOT NULL DEFAULT 0,
  total            BIGINT       NOT NULL DEFAULT 0,
  done             BIGINT       NOT NULL DEFAULT 0,
  ok               BIGINT       NOT NULL DEFAULT 0,
  error            BIGINT       NOT NULL DEFAULT 0,
  compute_seconds  DOUBLE PRECISION NOT NULL DEFAULT 0,
  message          TEXT,
  worker           VARCHAR(255),
  lease_until      BIGINT,
  cancel_requested BOOLEAN      NOT NULL DEFAULT FALSE,
  results          TEXT,
  idempotency_key  VARCHAR(255),
  UNIQUE (account, idempotency_key)
);

CREATE INDEX jobs_queue ON jobs (status, created_at);
CREATE INDEX jobs_account ON jobs (account, created_at);

CREATE TABLE usage (
  source          VARCHAR(1024) NOT NULL,
  account         VARCHAR(63)   NOT NULL,
  period          CHAR(7)       NOT NULL,
  task            VARCHAR(32)   NOT NULL,
  model           VARCHAR(255)  NOT NULL,
  requests        BIGINT        NOT NULL,
  compute_seconds DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (source, account, period, task, model)
);

CREATE INDEX usage_account ON usage (account, period);

CREATE TABLE models (
  account         VARCHAR(63)  NOT NULL,
  name            VARCHAR(100) NOT NULL,
  description     TEXT,
  tasks           TEXT         NOT NULL,
  build_status    VARCHAR(16)  NOT NULL,
  build_message   TEXT,
  last_deployment BIGINT,
  path            TEXT         NOT NULL,
  PRIMARY KEY (account, name)
);

CREATE TABLE uploads (
  token      VARCHAR(64)  PRIMARY KEY,
  account    VARCHAR(63)  NOT NULL,
  model      VARCHAR(100) NOT NULL,
  expires_at BIGINT       NOT NULL
);
