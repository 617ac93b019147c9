use assent::cli::{
    AdminCommand, ApikeyCommand, Cli, Command, IntegrationCommand, LedgerCommand, ProfileCommand,
    SendfileCommand, WebhookCommand,
};
use assent::config::Settings;
use assent::startup::{Application, Tuning};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(errors) => {
            for e in errors {
                eprintln!("assent: {e}");
            }
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(&settings.log))
        .with_target(false)
        // Colours only on a terminal: a log file or a collector gets plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Migrate => assent::commands::migrate(&settings),
        Command::Export {
            agreement,
            status,
            audience,
            output,
        } => assent::commands::export(
            &settings,
            agreement.as_deref(),
            status.as_deref(),
            audience.as_deref(),
            output,
        ),
        Command::Import {
            file,
            format,
            delimiter,
            map,
            dry_run,
            consented_at,
            errors,
        } => assent::imports::command::import(
            &settings,
            assent::imports::command::Options {
                file,
                format,
                delimiter,
                map,
                dry_run,
                consented_at,
                errors,
            },
        ),
        Command::Webhook { command } => match command {
            WebhookCommand::Add {
                url,
                events,
                agreements,
                exclude_sources,
                integration,
            } => assent::commands::webhook_add(
                &settings,
                assent::webhooks::Draft {
                    url,
                    events: vec![events],
                    agreements,
                    exclude_sources,
                    integration,
                },
            ),
            WebhookCommand::List => assent::commands::webhook_list(&settings),
            WebhookCommand::Pause { id } => {
                assent::commands::webhook_act(&settings, id, assent::webhooks::Action::Pause)
            }
            WebhookCommand::Resume { id } => {
                assent::commands::webhook_act(&settings, id, assent::webhooks::Action::Resume)
            }
            WebhookCommand::Delete { id } => {
                assent::commands::webhook_act(&settings, id, assent::webhooks::Action::Delete)
            }
            WebhookCommand::Rotate { id } => assent::commands::webhook_rotate(&settings, id),
        },
        Command::Sendfile { command } => match command {
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
            } => assent::commands::sendfile_add(
                &settings,
                assent::sendfile::Draft {
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
            SendfileCommand::Run { name } => assent::commands::sendfile_run(&settings, &name),
            SendfileCommand::List => assent::commands::sendfile_list(&settings),
            SendfileCommand::ForgetHostKey { name } => {
                assent::commands::sendfile_forget_host_key(&settings, &name)
            }
            SendfileCommand::Pause { name } => {
                assent::commands::sendfile_act(&settings, &name, assent::sendfile::Act::Pause)
            }
            SendfileCommand::Resume { name } => {
                assent::commands::sendfile_act(&settings, &name, assent::sendfile::Act::Resume)
            }
            SendfileCommand::Delete { name } => {
                assent::commands::sendfile_act(&settings, &name, assent::sendfile::Act::Delete)
            }
        },
        Command::Integration { command } => match command {
            IntegrationCommand::Add {
                name,
                hs256_secret,
                public_key_pem,
                hmac_secret,
                standard_webhooks,
            } => assent::commands::integration_add(
                &settings,
                &name,
                hs256_secret,
                public_key_pem,
                hmac_secret,
                standard_webhooks,
            ),
            IntegrationCommand::List => assent::commands::integration_list(&settings),
            IntegrationCommand::Disable { name } => {
                assent::commands::integration_disable(&settings, &name, true)
            }
            IntegrationCommand::Enable { name } => {
                assent::commands::integration_disable(&settings, &name, false)
            }
        },
        Command::Admin {
            command: AdminCommand::Create { email, role },
        } => assent::commands::admin_create(&settings, &email, &role),
        Command::Admin {
            command: AdminCommand::Password { email },
        } => assent::commands::admin_password(&settings, &email),
        Command::Admin {
            command: AdminCommand::Disable { email },
        } => assent::commands::admin_disable(&settings, &email, true),
        Command::Admin {
            command: AdminCommand::Enable { email },
        } => assent::commands::admin_disable(&settings, &email, false),
        Command::Apikey {
            command: ApikeyCommand::Create { name },
        } => assent::commands::apikey_create(&settings, &name),
        Command::Profile {
            command: ProfileCommand::Erase { email, reason },
        } => assent::commands::profile_erase(&settings, &email, &reason),
        Command::Ledger {
            command: LedgerCommand::Verify,
        } => match assent::commands::ledger_verify(&settings) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::from(1),
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("assent: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings, Tuning::default()).await?;
        app.run_until_stopped().await?;
        Ok(())
    })
}
