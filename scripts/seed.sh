# Sourced by the benchmarks: SQL that seeds N profiles directly (no write path), the same on both engines.
# $1 = N, $2 = the row source (generate_series or a recursive CTE), $3 = the ledger events' time.

# Rows for profiles, consents (newsletter for all, sms for every 2nd, push for every 3rd) with the
# matching consent masks, and one newsletter event per profile, each in one INSERT ... SELECT.
seed_sql() {
  local n=$1 series=$2 days_ago=$3
  cat <<SQL
INSERT INTO profiles (email, first_name, attributes, form_mails, created_at, updated_at, consent_mask)
  SELECT 'user' || i || '@bench.example', 'Name ' || i, '{}', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00',
    1 + CASE WHEN i % 2 = 0 THEN 2 ELSE 0 END + CASE WHEN i % 3 = 0 THEN 4 ELSE 0 END FROM $series;
INSERT INTO consent_events (profile_id, agreement_id, agreement_key, value, previous, version, text_sha256, source,
    occurred_at, recorded_at, email_digest, prev_hash, hash)
  SELECT id, 1, 'newsletter_agreement', 'enabled', 'disabled', 1, 'seed', 'import:seed', $days_ago, $days_ago, 'seed', NULL, 'seed' || id FROM profiles;
INSERT INTO consents (profile_id, agreement_id, value, version, occurred_at)
  SELECT id, 1, 'enabled', 1, '2026-01-01 00:00:00' FROM profiles;
INSERT INTO consents (profile_id, agreement_id, value, version, occurred_at)
  SELECT id, 2, CASE WHEN id % 2 = 0 THEN 'enabled' ELSE 'disabled' END, 1, '2026-01-01 00:00:00' FROM profiles;
INSERT INTO consents (profile_id, agreement_id, value, version, occurred_at)
  SELECT id, 3, CASE WHEN id % 3 = 0 THEN 'enabled' ELSE 'disabled' END, 1, '2026-01-01 00:00:00' FROM profiles;
SQL
}

