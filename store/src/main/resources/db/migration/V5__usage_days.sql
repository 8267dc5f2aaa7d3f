-- When each usage row was recorded (epoch milliseconds), for usage by day; rows recorded before
-- this column existed have none and count in their month only.
ALTER TABLE usage ADD COLUMN recorded_at BIGINT;
