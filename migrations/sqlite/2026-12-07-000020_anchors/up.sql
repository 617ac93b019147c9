-- Anchors of the ledger (docs/anchor.md): each one a signed Merkle root over every profile's chain head
-- as of one event id, so that whole chains deleted or cut short are found later. `signed` is the anchor
-- as issued (a compact JWS); the copies sent out by the `ledger.anchored` webhook are what the database's
-- owner cannot rewrite.
CREATE TABLE anchors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TIMESTAMP NOT NULL,
    last_event_id BIGINT NOT NULL,
    profiles BIGINT NOT NULL,
    events BIGINT NOT NULL,
    root TEXT NOT NULL,
    kid TEXT NOT NULL,
    signed TEXT NOT NULL
);
CREATE INDEX anchors_by_time ON anchors (created_at);

-- The chain heads an anchor covers, 4,096 to a block in profile order: (profile id, event id, SHA-256
-- of the event) as 48 bytes each, and the block's own Merkle root. Kept for the newest anchors only
-- (ASSENT_LEDGER_ANCHOR_KEEP): they name the profiles a broken anchor lost and give receipts their
-- inclusion paths; an anchor without them still tells whether the ledger holds what it covered.
CREATE TABLE anchor_blocks (
    anchor_id BIGINT NOT NULL REFERENCES anchors (id) ON DELETE CASCADE,
    block INTEGER NOT NULL,
    first_profile_id BIGINT NOT NULL,
    root TEXT NOT NULL,
    heads BLOB NOT NULL,
    PRIMARY KEY (anchor_id, block)
);
