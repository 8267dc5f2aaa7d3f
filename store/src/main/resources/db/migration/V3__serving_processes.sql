-- Serving processes announce themselves here: where the front doors reach them, and that they live.

CREATE TABLE serving_processes (
  id           VARCHAR(255)  PRIMARY KEY,
  url          VARCHAR(1024) NOT NULL,
  models       TEXT          NOT NULL,
  started_at   BIGINT        NOT NULL,
  heartbeat_at BIGINT        NOT NULL
);
