-- Session start times are typed and shown in the inquiry's own time zone (IANA name).
ALTER TABLE inquiries ADD COLUMN timezone text NOT NULL DEFAULT 'UTC'
    CHECK (length(timezone) BETWEEN 1 AND 64);
