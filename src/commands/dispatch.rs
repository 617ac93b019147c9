//! The command line, dispatched: `run` takes what `clap` parsed and calls the command it names.

use crate::cli::{
    AdminCommand, ApikeyCommand, Command, IntegrationCommand, LedgerCommand, ProfileCommand,
    ReceiptCommand, SecretsCommand, SendfileCommand, WebhookCommand,
};
use crate::config::Settings;
use crate::startup::{Application, Tuning};
use std::process::ExitCode;

use super::*;

/// Runs `command`; the exit code is 1 when `ledger verify` finds the ledger broken.
pub fn run(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    let result = match command {
        Command::Serve => serve(settings),
        Command::Migrate => migrate(&settings),
        Command::Openapi => {
            let doc = crate::routes::api::doc::document();
            println!("{}", serde_json::to_string_pretty(doc)?);
            Ok(())
        }
        Command::Export {
            agreement,
            status,
            audience,
            columns,
            output,
        } => export(
            &settings,
            agreement.as_deref(),
            status.as_deref(),
            audience.as_deref(),
            columns.as_deref(),
            output,
        ),
        Command::Import { options } => import::import(&settings, options),
        Command::Webhook { command } => webhook(&settings, command),
        Command::Sendfile { command } => sendfile(&settings, command),
        Command::Integration { command } => integration(&settings, command),
        Command::Admin {
            command: AdminCommand::Create { email, role },
        } => admin_create(&settings, &email, &role),
        Command::Admin {
            command: AdminCommand::Password { email },
        } => admin_password(&settings, &email),
        Command::Admin {
            command: AdminCommand::Disable { email },
        } => admin_disable(&settings, &email, true),
        Command::Admin {
            command: AdminCommand::Enable { email },
        } => admin_disable(&settings, &email, false),
        Command::Apikey {
            command: ApikeyCommand::Create { name },
        } => apikey_create(&settings, &name),
        Command::Profile {
            command:
                ProfileCommand::Erase {
                    email,
                    by_email,
                    custom_id,
                    uuid,
                    phone,
                    reason,
                },
        } => {
            use crate::commands::Who;
            // clap requires exactly one of them.
            let who = (email.or(by_email).map(Who::Email))
                .or(custom_id.map(Who::CustomId))
                .or(uuid.map(Who::Uuid))
                .or(phone.map(Who::Phone))
                .expect("the `who` group is required");
            profile_erase(&settings, who, &reason)
        }
        Command::Secrets {
            command: SecretsCommand::Reseal,
        } => secrets_reseal(&settings),
        Command::Ledger {
            command: LedgerCommand::Anchor,
        } => ledger_anchor(&settings),
        Command::Ledger {
            command: LedgerCommand::Verify { anchor },
        } => match ledger_verify(&settings, anchor.as_deref()) {
            Ok(true) => Ok(()),
            Ok(false) => return Ok(ExitCode::from(1)),
            Err(e) => Err(e),
        },
        Command::Receipt {
            command: ReceiptCommand::Verify { file },
        } => match receipt_verify(&settings, &file) {
            Ok(true) => Ok(()),
            Ok(false) => return Ok(ExitCode::from(1)),
            Err(e) => Err(e),
        },
        Command::Receipt {
            command: ReceiptCommand::RotateKey,
        } => receipt_rotate(&settings),
    };
    result.map(|()| ExitCode::SUCCESS)
}

fn webhook(settings: &Settings, command: WebhookCommand) -> anyhow::Result<()> {
    match command {
        WebhookCommand::Add {
            url,
            events,
            agreements,
            exclude_sources,
            integration,
            secret,
        } => webhook_add(
            settings,
            crate::webhooks::Draft {
                url,
                events: vec![events],
                agreements,
                exclude_sources,
                integration,
            },
            secret.as_deref(),
        ),
        WebhookCommand::List => webhook_list(settings),
        WebhookCommand::Pause { id } => webhook_act(settings, id, crate::webhooks::Action::Pause),
        WebhookCommand::Resume { id } => webhook_act(settings, id, crate::webhooks::Action::Resume),
        WebhookCommand::Delete { id } => webhook_act(settings, id, crate::webhooks::Action::Delete),
        WebhookCommand::Rotate { id } => webhook_rotate(settings, id),
    }
}

fn sendfile(settings: &Settings, command: SendfileCommand) -> anyhow::Result<()> {
    match command {
        SendfileCommand::Add {
            name,
            target,
            agreement,
            status,
            audience,
            every,
            at,
            changed_only,
            method,
            key,
        } => sendfile_add(
            settings,
            crate::sendfile::Draft {
                name,
                target,
                method,
                agreement,
                status,
                audience,
                every,
                at,
                changed_only,
                key,
            },
        ),
        SendfileCommand::Run { name } => sendfile_run(settings, &name),
        SendfileCommand::List => sendfile_list(settings),
        SendfileCommand::ForgetHostKey { name } => sendfile_forget_host_key(settings, &name),
        SendfileCommand::Pause { name } => {
            sendfile_act(settings, &name, crate::sendfile::Act::Pause)
        }
        SendfileCommand::Resume { name } => {
            sendfile_act(settings, &name, crate::sendfile::Act::Resume)
        }
        SendfileCommand::Delete { name } => {
            sendfile_act(settings, &name, crate::sendfile::Act::Delete)
        }
    }
}

fn integration(settings: &Settings, command: IntegrationCommand) -> anyhow::Result<()> {
    match command {
        IntegrationCommand::Add {
            name,
            hs256_secret,
            public_key_pem,
            hmac_secret,
            standard_webhooks,
            sms,
            key,
            secret,
        } => {
            use crate::integrations::Proof;
            let proof = match (hs256_secret, public_key_pem, hmac_secret, sms.as_deref()) {
                _ if secret.is_some()
                    && !standard_webhooks
                    && sms.as_deref() != Some("generic") =>
                {
                    anyhow::bail!("--secret goes with --standard-webhooks or --sms generic")
                }
                (Some(s), ..) => Proof::Hs256(s),
                (_, Some(path), ..) => Proof::PublicKey(
                    std::fs::read_to_string(&path)
                        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?,
                ),
                (_, _, Some(s), _) => Proof::Hmac(s),
                (.., Some("twilio")) => Proof::TwilioSms(key.ok_or_else(|| {
                    anyhow::anyhow!(
                        "--sms twilio needs --key AUTH_TOKEN (the Twilio account's auth token)"
                    )
                })?),
                (.., Some(_)) if key.is_some() => {
                    anyhow::bail!(
                        "--key goes with --sms twilio; --sms generic takes --secret or makes one"
                    )
                }
                (.., Some(_)) => Proof::SmsStandardWebhooks(secret),
                _ if standard_webhooks => Proof::StandardWebhooks(secret),
                _ => anyhow::bail!(
                    "say how its requests are proven: --hs256-secret, --public-key-pem, --hmac-secret, --standard-webhooks or --sms"
                ),
            };
            integration_add(settings, &name, proof)
        }
        IntegrationCommand::List => integration_list(settings),
        IntegrationCommand::Disable { name } => integration_disable(settings, &name, true),
        IntegrationCommand::Enable { name } => integration_disable(settings, &name, false),
    }
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings, Tuning::default()).await?;
        app.run_until_stopped().await?;
        Ok(())
    })
}
