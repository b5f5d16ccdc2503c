-- Accounts, inquiries, live sessions, access codes, devices, audit log, rate limits.

CREATE TABLE staff (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '%_@_%'),
    display_name  text NOT NULL DEFAULT '',
    role          text NOT NULL CHECK (role IN ('convenor', 'facilitator')),
    password_hash text,                       -- NULL until an invitation is accepted
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- A signed-in browser. Only the SHA-256 of the cookie value is stored.
CREATE TABLE staff_logins (
    token_hash  bytea PRIMARY KEY,
    staff_id    bigint NOT NULL REFERENCES staff (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX staff_logins_staff ON staff_logins (staff_id);

-- One-time links: invitations to set a first password, and password resets.
CREATE TABLE staff_tokens (
    token_hash  bytea PRIMARY KEY,
    staff_id    bigint NOT NULL REFERENCES staff (id),
    purpose     text NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_by  bigint REFERENCES staff (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);

CREATE TABLE inquiries (
    id          bigserial PRIMARY KEY,
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    question    text NOT NULL CHECK (length(question) BETWEEN 1 AND 1000),
    description text NOT NULL DEFAULT '',
    fund_minor  bigint NOT NULL CHECK (fund_minor >= 0),
    currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    languages   text[] NOT NULL DEFAULT '{en}',
    created_by  bigint NOT NULL REFERENCES staff (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Facilitators assigned to an inquiry (convenors see every inquiry).
CREATE TABLE inquiry_staff (
    inquiry_id bigint NOT NULL REFERENCES inquiries (id),
    staff_id   bigint NOT NULL REFERENCES staff (id),
    PRIMARY KEY (inquiry_id, staff_id)
);

-- A live session of an inquiry. Its phase machine lives in inquiry/phases.py.
CREATE TABLE sessions (
    id           bigserial PRIMARY KEY,
    inquiry_id   bigint NOT NULL REFERENCES inquiries (id),
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    scheduled_at timestamptz NOT NULL,
    phase        text NOT NULL DEFAULT 'scheduled',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_inquiry ON sessions (inquiry_id);

-- Ways in. Resident codes are short and typed by people; expert and observer
-- links carry a long secret of which only the hash is kept.
CREATE TABLE access_codes (
    id          bigserial PRIMARY KEY,
    inquiry_id  bigint NOT NULL REFERENCES inquiries (id),
    session_id  bigint REFERENCES sessions (id),
    kind        text NOT NULL CHECK (kind IN ('resident_single', 'resident_open', 'expert', 'observer')),
    code        text UNIQUE,                  -- resident codes, as typed (normalised)
    secret_hash bytea UNIQUE,                 -- expert and observer links
    label       text NOT NULL DEFAULT '',
    max_uses    int CHECK (max_uses IS NULL OR max_uses > 0),
    uses        int NOT NULL DEFAULT 0,
    expires_at  timestamptz,
    revoked_at  timestamptz,
    replaces    bigint REFERENCES access_codes (id),
    created_by  bigint NOT NULL REFERENCES staff (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((code IS NULL) <> (secret_hash IS NULL)),
    CHECK (kind <> 'expert' OR session_id IS NOT NULL),
    CHECK (uses <= coalesce(max_uses, uses))
);
CREATE INDEX access_codes_inquiry ON access_codes (inquiry_id);

-- Residents, experts and observers of an inquiry. No passwords.
CREATE TABLE participants (
    id              bigserial PRIMARY KEY,
    inquiry_id      bigint NOT NULL REFERENCES inquiries (id),
    kind            text NOT NULL CHECK (kind IN ('resident', 'expert', 'observer')),
    session_id      bigint REFERENCES sessions (id),   -- experts: the one session they serve
    code_id         bigint REFERENCES access_codes (id),
    display_name    text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 60),
    name_public     boolean NOT NULL DEFAULT false,
    recovery_hash   bytea UNIQUE,                      -- residents: SHA-256 of the recovery code
    removed_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX participants_inquiry ON participants (inquiry_id);

-- A browser or phone holding a participant's access (HttpOnly cookie).
CREATE TABLE devices (
    token_hash     bytea PRIMARY KEY,
    participant_id bigint NOT NULL REFERENCES participants (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz
);
CREATE INDEX devices_participant ON devices (participant_id);

-- Configuration changes, publication, cancellation: who did what, when.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    inquiry_id  bigint REFERENCES inquiries (id),
    staff_id    bigint REFERENCES staff (id),
    action      text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}',
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_inquiry ON audit_log (inquiry_id, id);

-- Fixed-window counters shared by every server process.
CREATE TABLE rate_limits (
    bucket       text NOT NULL,
    window_start timestamptz NOT NULL,
    hits         int NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
