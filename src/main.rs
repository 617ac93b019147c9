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
    let command = cli.command.unwrap_or(Command::Serve);
    if !matches!(command, Command::Serve) {
        // A command's output piped into `head` or a closed terminal ends the command quietly, as any
        // Unix tool does, instead of panicking in `println!` after its work is done. (Rust ignores
        // SIGPIPE; the server keeps ignoring it, and sockets never raise it: they write with
        // MSG_NOSIGNAL.)
        // SAFETY: setting a signal's disposition to the default before any thread starts.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    match assent::commands::run(command, settings) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("assent: {e:#}");
            ExitCode::from(1)
        }
    }
}
