-- The Ed25519 keys consent receipts are signed with: every node of one database signs with the newest,
-- and every key ever used stays listed (its public half) so old receipts still verify. The private
-- half is sealed with ASSENT_SECRET_KEY (sealed:v1:…), like every stored secret.
CREATE TABLE receipt_keys (
    kid TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
