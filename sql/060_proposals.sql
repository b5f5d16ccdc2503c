-- Proposals (with every revision, amendments and comments), ranking ballots,
-- stored ranking results, and shortlists for allocation rounds.

-- The facilitator chooses the aggregation method before the ranking phase opens.
ALTER TABLE sessions
    ADD COLUMN ranking_method text NOT NULL DEFAULT 'schulze'
        CHECK (ranking_method IN ('schulze', 'ranked_pairs', 'borda', 'instant_runoff'));

CREATE TABLE proposals (
    id            bigserial PRIMARY KEY,
    inquiry_id    bigint NOT NULL REFERENCES inquiries (id),
    session_id    bigint NOT NULL REFERENCES sessions (id),
    author_id     bigint NOT NULL REFERENCES participants (id),
    author_name   text NOT NULL,                       -- display name when drafted
    revision      int NOT NULL DEFAULT 1,              -- the current revision's number
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
    description   text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
    cost_minor    bigint NOT NULL CHECK (cost_minor > 0),
    category      text NOT NULL DEFAULT '' CHECK (length(category) <= 60),
    question_ids  bigint[] NOT NULL DEFAULT '{}',      -- released questions it draws on
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn', 'merged')),
    merged_into   bigint REFERENCES proposals (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'merged') = (merged_into IS NOT NULL))
);
CREATE INDEX proposals_session ON proposals (session_id, id);

-- Every revision's full text, kept forever; revision 1 is the draft.
CREATE TABLE proposal_revisions (
    proposal_id   bigint NOT NULL REFERENCES proposals (id),
    revision      int NOT NULL,
    title         text NOT NULL,
    description   text NOT NULL,
    cost_minor    bigint NOT NULL,
    category      text NOT NULL,
    question_ids  bigint[] NOT NULL,
    by_name       text NOT NULL,
    note          text NOT NULL,                       -- drafted, edited, amendment accepted, merged ...
    at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (proposal_id, revision)
);

-- Changes suggested by others; the author or a facilitator accepts or declines.
CREATE TABLE proposal_amendments (
    id             bigserial PRIMARY KEY,
    proposal_id    bigint NOT NULL REFERENCES proposals (id),
    based_on       int NOT NULL,
    title          text NOT NULL,
    description    text NOT NULL,
    cost_minor     bigint NOT NULL,
    category       text NOT NULL,
    participant_id bigint NOT NULL REFERENCES participants (id),
    by_name        text NOT NULL,
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'declined')),
    decided_by     text,
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX proposal_amendments_proposal ON proposal_amendments (proposal_id, id);

CREATE TABLE proposal_comments (
    id             bigserial PRIMARY KEY,
    proposal_id    bigint NOT NULL REFERENCES proposals (id),
    participant_id bigint REFERENCES participants (id),
    staff_id       bigint REFERENCES staff (id),
    by_name        text NOT NULL,
    body           text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    at             timestamptz NOT NULL DEFAULT now(),
    CHECK ((participant_id IS NULL) <> (staff_id IS NULL))
);
CREATE INDEX proposal_comments_proposal ON proposal_comments (proposal_id, id);

-- One ballot per resident and session, replaced on revision (proposal ids, best first).
CREATE TABLE ranking_ballots (
    session_id     bigint NOT NULL REFERENCES sessions (id),
    participant_id bigint NOT NULL REFERENCES participants (id),
    ranking        bigint[] NOT NULL CHECK (cardinality(ranking) >= 1),
    revisions      int NOT NULL DEFAULT 1,
    at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, participant_id)
);

-- Computed once, when the ranking phase has closed; never recomputed.
CREATE TABLE ranking_results (
    session_id  bigint PRIMARY KEY REFERENCES sessions (id),
    method      text NOT NULL,
    result      jsonb NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE shortlists (
    id           bigserial PRIMARY KEY,
    inquiry_id   bigint NOT NULL REFERENCES inquiries (id),
    session_id   bigint NOT NULL REFERENCES sessions (id),
    proposed_by  bigint NOT NULL REFERENCES staff (id),
    status       text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted')),
    accepted_by  bigint REFERENCES staff (id),
    accepted_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE shortlist_items (
    shortlist_id   bigint NOT NULL REFERENCES shortlists (id),
    position       int NOT NULL,                   -- 1 = ranked first
    proposal_id    bigint NOT NULL REFERENCES proposals (id),
    title          text NOT NULL,
    cost_minor     bigint NOT NULL CHECK (cost_minor > 0),   -- as reviewed by the convenor
    proposed_cost  bigint NOT NULL,                          -- the proposal's own estimate
    PRIMARY KEY (shortlist_id, position),
    UNIQUE (shortlist_id, proposal_id)
);
