//! A real OpenSSH server for the SFTP send-file tests. The test listens on a loopback port of its own
//! (port 0, so no two tests collide) and hands each connection to `sshd -i` (inetd mode) with
//! `internal-sftp`, so the server is the real OpenSSH and "down" is just closing the listener. Keys are
//! made by `ssh-keygen`, so the host key's fingerprint the test expects is computed independently.
//!
//! Where `sshd` is absent the tests skip with one loud line, unless ASSENT_TEST_REQUIRE_SSHD=1 (CI sets
//! it after installing openssh-server).

use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const SSHD: &str = "/usr/sbin/sshd";

pub struct Sshd {
    pub port: u16,
    /// Files live here; the uploads too (under `files/`).
    pub dir: PathBuf,
    /// The private key that may log in.
    pub key: PathBuf,
    pub user: String,
    accept: tokio::task::JoinHandle<()>,
}

/// Makes a key pair with ssh-keygen; returns the private key's path.
pub fn keygen(dir: &Path, name: &str, kind: &str) -> PathBuf {
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(path.with_extension("pub"));
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", kind, "-N", "", "-C", "assent-test", "-f"])
        .arg(&path)
        .output()
        .expect("ssh-keygen runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

/// `ssh-ed25519 SHA256:…` of a public key file, as ssh-keygen computes it.
pub fn fingerprint(private_key: &Path) -> String {
    let out = Command::new("ssh-keygen")
        .arg("-lf")
        .arg(format!("{}.pub", private_key.display()))
        .output()
        .expect("ssh-keygen runs");
    // "256 SHA256:abc… assent-test (ED25519)"
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let fp = text
        .split_whitespace()
        .nth(1)
        .expect("a fingerprint")
        .to_string();
    let kind = text
        .trim()
        .rsplit('(')
        .next()
        .unwrap_or("")
        .trim_end_matches(')');
    let alg = match kind {
        "ED25519" => "ssh-ed25519",
        "RSA" => "ssh-rsa",
        "ECDSA" => "ecdsa-sha2-nistp256",
        other => panic!("unexpected key kind {other}"),
    };
    format!("{alg} {fp}")
}

impl Sshd {
    /// Starts the server, or `None` (after one loud line) where OpenSSH's server is not installed.
    pub async fn start() -> Option<Sshd> {
        if !Path::new(SSHD).exists() {
            crate::helpers::missing_tool(
                "ASSENT_TEST_REQUIRE_SSHD",
                &format!("an SFTP send-file test needs {SSHD} (apt-get install openssh-server)"),
            );
            return None;
        }
        // sshd insists on its privilege-separation folder, even in inetd mode.
        let _ = std::fs::create_dir_all("/run/sshd");
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("sshd-{}", rand::random::<u64>()));
        std::fs::create_dir_all(dir.join("files")).unwrap();
        keygen(&dir, "host_key", "ed25519");
        let key = keygen(&dir, "client_key", "ed25519");
        std::fs::copy(key.with_extension("pub"), dir.join("authorized_keys")).unwrap();
        let config = dir.join("sshd_config");
        std::fs::write(
            &config,
            format!(
                "HostKey {d}/host_key\n\
                 AuthorizedKeysFile {d}/authorized_keys\n\
                 PubkeyAuthentication yes\n\
                 PasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\n\
                 PermitRootLogin prohibit-password\n\
                 StrictModes no\n\
                 UsePAM no\n\
                 Subsystem sftp internal-sftp\n\
                 LogLevel ERROR\n\
                 PidFile none\n",
                d = dir.display()
            ),
        )
        .unwrap();
        let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_string();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = dir.join("sshd.log");
        let accept = tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                let conn = conn.into_std().unwrap();
                conn.set_nonblocking(false).unwrap();
                let fd = OwnedFd::from(conn);
                let mut child = Command::new(SSHD)
                    .arg("-i")
                    .arg("-f")
                    .arg(&config)
                    .stdin(Stdio::from(fd.try_clone().unwrap()))
                    .stdout(Stdio::from(fd))
                    .stderr(
                        std::fs::OpenOptions::new()
                            .create(true)
                            .append(true)
                            .open(&log)
                            .unwrap(),
                    )
                    .spawn()
                    .expect("sshd starts");
                std::thread::spawn(move || child.wait());
            }
        });
        Some(Sshd {
            port,
            dir: dir.clone(),
            key,
            user,
            accept,
        })
    }

    /// The address of a file under `files/`, as a send-file target.
    pub fn target(&self, file: &str) -> String {
        format!(
            "sftp://{}@127.0.0.1:{}{}/files/{file}",
            self.user,
            self.port,
            self.dir.display()
        )
    }

    pub fn host_key(&self) -> PathBuf {
        self.dir.join("host_key")
    }

    /// Replaces the server's host key (the next connection shows the new one).
    pub fn new_host_key(&self) {
        keygen(&self.dir, "host_key", "ed25519");
    }

    /// Lets exactly this key log in.
    pub fn authorize(&self, private_key: &Path) {
        std::fs::copy(
            private_key.with_extension("pub"),
            self.dir.join("authorized_keys"),
        )
        .unwrap();
    }

    /// The files under `files/`, by name, with their contents.
    pub fn files(&self) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = std::fs::read_dir(self.dir.join("files"))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().to_string(),
                    std::fs::read_to_string(e.path()).unwrap(),
                )
            })
            .collect();
        all.sort();
        all
    }

    /// What sshd said (errors only).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("sshd.log")).unwrap_or_default()
    }

    /// Stops listening: the server is down.
    pub async fn stop(&mut self) {
        self.accept.abort();
        let _ = (&mut self.accept).await;
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        self.accept.abort();
    }
}
