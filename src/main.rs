use assent::cli::{Cli, Command};
use assent::config::Settings;
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
    match assent::commands::run(cli.command.unwrap_or(Command::Serve), settings) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("assent: {e:#}");
            ExitCode::from(1)
        }
    }
}
