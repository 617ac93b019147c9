// One portable schema for both backends; migrations/sqlite and migrations/postgres keep the tables in step.

diesel::table! {
    profiles (id) {
        id -> BigInt,
        email -> Nullable<Text>,
        custom_id -> Nullable<Text>,
        phone -> Nullable<Text>,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        attributes -> Text,
        email_confirmed_at -> Nullable<Timestamp>,
        form_mails -> Integer,
        form_mail_window -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        erased_at -> Nullable<Timestamp>,
        consent_mask -> BigInt,
        uuid -> Nullable<Text>,
        details -> Nullable<Text>,
    }
}

diesel::table! {
    agreements (id) {
        id -> BigInt,
        key -> Text,
        title -> Text,
        channel -> Text,
        position -> Integer,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        mask_bit -> Integer,
        language -> Text,
        gpc -> Bool,
        gpc_changed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    agreement_versions (agreement_id, language, version) {
        agreement_id -> BigInt,
        language -> Text,
        version -> Integer,
        text -> Text,
        created_at -> Timestamp,
        is_current -> Bool,
        title -> Nullable<Text>,
    }
}

diesel::table! {
    consents (profile_id, agreement_id) {
        profile_id -> BigInt,
        agreement_id -> BigInt,
        value -> Text,
        version -> Integer,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    consent_events (id) {
        id -> BigInt,
        profile_id -> BigInt,
        agreement_id -> BigInt,
        agreement_key -> Text,
        value -> Text,
        previous -> Text,
        version -> Integer,
        text_sha256 -> Text,
        source -> Text,
        occurred_at -> Timestamp,
        recorded_at -> Timestamp,
        email_digest -> Text,
        ip -> Nullable<Text>,
        ip_digest -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        user_agent_digest -> Nullable<Text>,
        language -> Nullable<Text>,
        prev_hash -> Nullable<Text>,
        hash -> Text,
        reason -> Nullable<Text>,
        reason_digest -> Nullable<Text>,
        origin -> Nullable<Text>,
        gpc -> Bool,
    }
}

diesel::table! {
    optin_requests (id) {
        id -> BigInt,
        profile_id -> BigInt,
        uid -> Text,
        token_hash -> Text,
        agreements -> Text,
        language -> Text,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        gpc -> Bool,
    }
}

diesel::table! {
    idempotency_keys (id) {
        id -> BigInt,
        api_key -> Text,
        idempotency_key -> Text,
        request_sha256 -> Text,
        response -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_keys (id) {
        id -> BigInt,
        name -> Text,
        key_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        kind -> Text,
        recipient -> Text,
        payload -> Text,
        created_at -> Timestamp,
        next_attempt_at -> Timestamp,
        attempts -> Integer,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        dead_at -> Nullable<Timestamp>,
        claimed_by -> Nullable<Text>,
        channel -> Text,
        endpoint_id -> Nullable<BigInt>,
        profile_id -> Nullable<BigInt>,
        response_code -> Nullable<Integer>,
        latency_ms -> Nullable<Integer>,
        response_start -> Nullable<Text>,
    }
}

diesel::table! {
    sendfiles (id) {
        id -> BigInt,
        name -> Text,
        target -> Text,
        method -> Text,
        agreement -> Nullable<Text>,
        status -> Nullable<Text>,
        audience -> Nullable<Text>,
        every_minutes -> Integer,
        at_minute -> Nullable<Integer>,
        changed_only -> Bool,
        next_run_at -> Timestamp,
        failures -> Integer,
        last_success_at -> Nullable<Timestamp>,
        paused_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        ssh_key -> Nullable<Text>,
        host_key -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> BigInt,
        url -> Text,
        events -> Text,
        agreements -> Text,
        exclude_sources -> Text,
        integration_id -> Nullable<BigInt>,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_until -> Nullable<Timestamp>,
        paused_at -> Nullable<Timestamp>,
        disabled_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    admin_users (id) {
        id -> BigInt,
        email -> Text,
        role -> Text,
        password_hash -> Text,
        password_changed_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        language -> Nullable<Text>,
    }
}

diesel::table! {
    admin_sessions (key_hash) {
        key_hash -> Text,
        state -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        subject -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        actor -> Text,
        action -> Text,
        subject -> Text,
        detail -> Nullable<Text>,
        ip -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    erasures (identity_digest) {
        identity_digest -> Text,
        profile_id -> BigInt,
        erased_at -> Timestamp,
    }
}

diesel::table! {
    audiences (id) {
        id -> BigInt,
        name -> Text,
        rule -> Text,
        agreements -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    consent_daily (day, agreement_id) {
        day -> Text,
        agreement_id -> BigInt,
        opt_ins -> BigInt,
        opt_outs -> BigInt,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        params -> Text,
        status -> Text,
        node -> Nullable<Text>,
        claimed_by -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        total -> Nullable<BigInt>,
        done -> BigInt,
        counts -> Text,
        error -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    job_rows (job_id, row_number, outcome) {
        job_id -> BigInt,
        row_number -> BigInt,
        outcome -> Text,
        message -> Text,
    }
}

diesel::table! {
    integrations (id) {
        id -> BigInt,
        name -> Text,
        auth -> Text,
        key -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    integration_replays (integration_id, message_id) {
        integration_id -> BigInt,
        message_id -> Text,
        expires_at -> Timestamp,
        body_sha256 -> Nullable<Text>,
        answer -> Nullable<Text>,
    }
}

diesel::table! {
    anchors (id) {
        id -> BigInt,
        created_at -> Timestamp,
        last_event_id -> BigInt,
        profiles -> BigInt,
        events -> BigInt,
        root -> Text,
        kid -> Text,
        signed -> Text,
    }
}

diesel::table! {
    anchor_blocks (anchor_id, block) {
        anchor_id -> BigInt,
        block -> Integer,
        first_profile_id -> BigInt,
        root -> Text,
        heads -> Binary,
    }
}

diesel::table! {
    receipt_keys (kid) {
        kid -> Text,
        public_key -> Text,
        private_key -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(agreement_versions -> agreements (agreement_id));
diesel::joinable!(anchor_blocks -> anchors (anchor_id));
diesel::joinable!(consents -> agreements (agreement_id));
diesel::joinable!(consents -> profiles (profile_id));
diesel::joinable!(consent_events -> profiles (profile_id));
diesel::joinable!(optin_requests -> profiles (profile_id));

diesel::allow_tables_to_appear_in_same_query!(
    profiles,
    agreements,
    agreement_versions,
    consents,
    consent_events,
    optin_requests,
    api_keys,
    outbox,
    webhook_endpoints,
    sendfiles,
    admin_users,
    admin_sessions,
    login_failures,
    audit_log,
    erasures,
    audiences,
    consent_daily,
    idempotency_keys,
    jobs,
    job_rows,
    integrations,
    integration_replays,
    receipt_keys,
    anchors,
    anchor_blocks,
);
