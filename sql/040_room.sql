-- Live sessions: phase state, the durable room log with audiences, idempotent
-- submissions, presence, and the expert withdrawals the server enforces.

ALTER TABLE sessions
    ADD COLUMN expert_id        bigint REFERENCES participants (id),  -- briefing/questioning/withdrawal/recall
    ADD COLUMN phase_started_at timestamptz,
    ADD COLUMN deadline         timestamptz,                          -- NULL: no timer
    ADD COLUMN paused_remaining interval,                             -- set while paused
    ADD COLUMN deadline_announced boolean NOT NULL DEFAULT false,
    ADD COLUMN last_seq         bigint NOT NULL DEFAULT 0,
    ADD COLUMN slow_mode_seconds int NOT NULL DEFAULT 0 CHECK (slow_mode_seconds BETWEEN 0 AND 3600),
    ADD COLUMN recall_fraction  numeric NOT NULL DEFAULT 0.3333 CHECK (recall_fraction > 0 AND recall_fraction <= 1);

-- Every room event, numbered per session, stored before it is sent.
-- audience: public (everyone in the session, experts included), room
-- (residents, observers, facilitators), staff (facilitators), person (one participant).
CREATE TABLE room_events (
    session_id     bigint NOT NULL REFERENCES sessions (id),
    seq            bigint NOT NULL,
    type           text NOT NULL,
    audience       text NOT NULL CHECK (audience IN ('public', 'room', 'staff', 'person')),
    participant_id bigint REFERENCES participants (id),
    payload        jsonb NOT NULL,
    at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, seq),
    CHECK ((audience = 'person') = (participant_id IS NOT NULL))
);

-- A submission's idempotency key and the ack it got: a retry gets the same ack.
CREATE TABLE room_submissions (
    session_id bigint NOT NULL REFERENCES sessions (id),
    actor      text NOT NULL,            -- 'p<participant id>' or 's<staff id>'
    key        text NOT NULL,
    ack        jsonb,
    at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, actor, key)
);

-- Phase history, for the public record.
CREATE TABLE session_phases (
    id          bigserial PRIMARY KEY,
    session_id  bigint NOT NULL REFERENCES sessions (id),
    phase       text NOT NULL,
    expert_id   bigint REFERENCES participants (id),
    started_at  timestamptz NOT NULL DEFAULT now(),
    staff_id    bigint REFERENCES staff (id)
);
CREATE INDEX session_phases_session ON session_phases (session_id, id);

-- Withdrawal cannot be undone: a row here bars the expert from the session.
CREATE TABLE expert_withdrawals (
    session_id     bigint NOT NULL REFERENCES sessions (id),
    participant_id bigint NOT NULL REFERENCES participants (id),
    staff_id       bigint NOT NULL REFERENCES staff (id),
    at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, participant_id)
);

-- A browser that opened an expert view carries a mark; a withdrawn expert's
-- marked browser cannot come back as a resident or observer.
CREATE TABLE expert_marks (
    mark_hash      bytea PRIMARY KEY,
    participant_id bigint NOT NULL REFERENCES participants (id),
    at             timestamptz NOT NULL DEFAULT now()
);

-- Live socket.io connections, shared by every server process.
CREATE TABLE room_connections (
    sid            text PRIMARY KEY,
    session_id     bigint NOT NULL REFERENCES sessions (id),
    server_id      text NOT NULL,
    role           text NOT NULL,
    participant_id bigint REFERENCES participants (id),
    staff_id       bigint REFERENCES staff (id),
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX room_connections_session ON room_connections (session_id);

CREATE TABLE room_messages (
    id             bigserial PRIMARY KEY,
    session_id     bigint NOT NULL REFERENCES sessions (id),
    participant_id bigint REFERENCES participants (id),
    staff_id       bigint REFERENCES staff (id),
    body           text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    hidden_reason  text,
    at             timestamptz NOT NULL DEFAULT now(),
    CHECK ((participant_id IS NULL) <> (staff_id IS NULL))
);
CREATE INDEX room_messages_author ON room_messages (session_id, participant_id, at);

CREATE TABLE expert_materials (
    id             bigserial PRIMARY KEY,
    session_id     bigint NOT NULL REFERENCES sessions (id),
    participant_id bigint NOT NULL REFERENCES participants (id),
    title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    url            text,
    pdf            bytea,
    at             timestamptz NOT NULL DEFAULT now(),
    CHECK ((url IS NULL) <> (pdf IS NULL))
);

CREATE TABLE questions (
    id             bigserial PRIMARY KEY,
    session_id     bigint NOT NULL REFERENCES sessions (id),
    expert_id      bigint NOT NULL REFERENCES participants (id),
    author_id      bigint NOT NULL REFERENCES participants (id),
    body           text NOT NULL CHECK (length(body) BETWEEN 1 AND 1000),
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'released', 'skipped', 'merged', 'answered')),
    merged_into    bigint REFERENCES questions (id),
    answer         text,
    released_at    timestamptz,
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX questions_session ON questions (session_id, expert_id);

CREATE TABLE question_upvotes (
    question_id    bigint NOT NULL REFERENCES questions (id),
    participant_id bigint NOT NULL REFERENCES participants (id),
    PRIMARY KEY (question_id, participant_id)
);

CREATE TABLE clarity_flags (
    id             bigserial PRIMARY KEY,
    session_id     bigint NOT NULL REFERENCES sessions (id),
    expert_id      bigint NOT NULL REFERENCES participants (id),
    kind           text NOT NULL CHECK (kind IN ('jargon', 'too_fast')),
    at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE speaking_queue (
    id             bigserial PRIMARY KEY,
    session_id     bigint NOT NULL REFERENCES sessions (id),
    participant_id bigint NOT NULL REFERENCES participants (id),
    raised_at      timestamptz NOT NULL DEFAULT now(),
    called_at      timestamptz,
    ended_at       timestamptz            -- lowered, or finished speaking
);
CREATE UNIQUE INDEX speaking_queue_open ON speaking_queue (session_id, participant_id) WHERE ended_at IS NULL;

-- Mutes (until a time) and removals (until NULL = for the session).
CREATE TABLE room_sanctions (
    session_id     bigint NOT NULL REFERENCES sessions (id),
    participant_id bigint NOT NULL REFERENCES participants (id),
    kind           text NOT NULL CHECK (kind IN ('mute', 'remove')),
    until          timestamptz,
    PRIMARY KEY (session_id, participant_id, kind)
);

CREATE TABLE moderation_log (
    id             bigserial PRIMARY KEY,
    session_id     bigint NOT NULL REFERENCES sessions (id),
    staff_id       bigint NOT NULL REFERENCES staff (id),
    action         text NOT NULL,
    participant_id bigint REFERENCES participants (id),
    message_id     bigint REFERENCES room_messages (id),
    reason         text NOT NULL DEFAULT '',
    at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE recall_requests (
    id             bigserial PRIMARY KEY,
    session_id     bigint NOT NULL REFERENCES sessions (id),
    expert_id      bigint NOT NULL REFERENCES participants (id),
    proposed_by    bigint NOT NULL REFERENCES participants (id),
    question       text NOT NULL CHECK (length(question) BETWEEN 1 AND 1000),
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'answered')),
    answer         text,
    at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE recall_votes (
    recall_id      bigint NOT NULL REFERENCES recall_requests (id),
    participant_id bigint NOT NULL REFERENCES participants (id),
    PRIMARY KEY (recall_id, participant_id)
);
