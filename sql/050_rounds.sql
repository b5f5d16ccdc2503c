-- Allocation rounds (budget/). See docs/rounds.md for what each table may
-- reveal, and when.

CREATE TABLE rounds (
    id            bigserial PRIMARY KEY,
    inquiry_id    bigint NOT NULL REFERENCES inquiries (id),
    state         text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'open', 'closed', 'cancelled')),
    config        jsonb NOT NULL,            -- editable while draft; frozen copy at opening
    frozen_hash   text,                      -- SHA-256 of the canonical frozen configuration
    opens_at      timestamptz,
    closes_at     timestamptz NOT NULL,
    opened_at     timestamptz,
    closed_at     timestamptz,
    close_reason  text,
    cancelled_at  timestamptz,
    cancel_reason text,
    created_by    bigint NOT NULL REFERENCES staff (id),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rounds_inquiry ON rounds (inquiry_id);
CREATE INDEX rounds_due ON rounds (closes_at) WHERE state = 'open';

-- The per-round secret behind voter keys and receipts. Deleted at close.
CREATE TABLE round_secrets (
    round_id bigint PRIMARY KEY REFERENCES rounds (id),
    secret   bytea NOT NULL
);

-- One ballot per voter key. No time, no serial id: nothing records casting order.
-- voter_key (HMAC of the participant id) is erased at close.
CREATE TABLE round_ballots (
    round_id  bigint NOT NULL REFERENCES rounds (id),
    receipt   text NOT NULL,
    voter_key bytea,
    projects  text[] NOT NULL,
    points    int[],
    PRIMARY KEY (round_id, receipt)
);
CREATE UNIQUE INDEX round_ballots_voter ON round_ballots (round_id, voter_key);

-- Who has voted (turnout, one ballot each), with no link to which ballot, no time.
CREATE TABLE round_voters (
    round_id       bigint NOT NULL REFERENCES rounds (id),
    participant_id bigint NOT NULL REFERENCES participants (id),
    PRIMARY KEY (round_id, participant_id)
);

-- Idempotency keys of accepted submissions (HMAC with the round secret). Deleted at close.
CREATE TABLE round_cast_keys (
    round_id bigint NOT NULL REFERENCES rounds (id),
    key_hash bytea NOT NULL,
    PRIMARY KEY (round_id, key_hash)
);

-- The round's hash-chained log (budget/chain.py).
CREATE TABLE round_log (
    round_id bigint NOT NULL REFERENCES rounds (id),
    seq      int NOT NULL,
    kind     text NOT NULL,
    payload  jsonb NOT NULL,
    prev     text NOT NULL,
    hash     text NOT NULL,
    PRIMARY KEY (round_id, seq)
);

-- Published decisions: one per closed or cancelled round.
CREATE TABLE decisions (
    round_id     bigint PRIMARY KEY REFERENCES rounds (id),
    published_at timestamptz NOT NULL DEFAULT now(),
    outcome      jsonb,                       -- NULL for a cancelled round
    aggregates   jsonb NOT NULL DEFAULT '{}',
    ballots_pb   text,                        -- NULL with fewer than 20 ballots
    statement    text,
    statement_at timestamptz
);
CREATE INDEX decisions_published ON decisions (published_at DESC);
