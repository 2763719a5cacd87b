//! The key that seals TOTP seeds at rest: from `PORTICO_TOTP_KEY`, or from a key file
//! in the data folder, created on first start when neither exists.
//!
//! Losing the key makes every enrolled authenticator useless (clients then sign in
//! with recovery codes), so a generated key is announced in the log with its path, to
//! be backed up with the database.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use portico_security::SeedVault;

use crate::settings::Secret;

/// The key file's name in the data folder.
pub const KEY_FILE: &str = "totp-seed.key";

/// The key could not be read or created.
#[derive(Debug, thiserror::Error)]
pub enum SeedKeyError {
    /// The configured or stored key is not 32 bytes of base64.
    #[error("{origin} is not a base64-encoded 32-byte key")]
    Malformed {
        /// Where the key came from.
        origin: String,
    },
    /// The key file could not be read or written.
    #[error("the key file {path} could not be used")]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// No randomness for a new key.
    #[error("no random key could be generated")]
    Random(#[source] portico_kernel::StorageError),
}

/// Checks the configured key, or the key file under `data_dir` when there is one,
/// without writing anything: a missing file is fine here, [`seed_vault`] creates it.
pub fn check_seed_key(configured: Option<&Secret>, data_dir: &Path) -> Result<(), SeedKeyError> {
    if let Some(key) = configured {
        return vault_from_base64(key.expose(), "PORTICO_TOTP_KEY").map(|_| ());
    }
    let path = data_dir.join(KEY_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => vault_from_base64(text.trim(), &path.display().to_string()).map(|_| ()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(SeedKeyError::File { path, source }),
    }
}

/// The vault for the configured key, or for the key file under `data_dir`, which is
/// created (readable by the owner only) when missing.
pub fn seed_vault(configured: Option<&Secret>, data_dir: &Path) -> Result<SeedVault, SeedKeyError> {
    if let Some(key) = configured {
        return vault_from_base64(key.expose(), "PORTICO_TOTP_KEY");
    }
    let path = data_dir.join(KEY_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => vault_from_base64(text.trim(), &path.display().to_string()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => create_key_file(&path),
        Err(source) => Err(SeedKeyError::File { path, source }),
    }
}

fn vault_from_base64(text: &str, origin: &str) -> Result<SeedVault, SeedKeyError> {
    let malformed = || SeedKeyError::Malformed {
        origin: origin.to_owned(),
    };
    let bytes = STANDARD.decode(text.trim()).map_err(|_| malformed())?;
    SeedVault::new(&bytes).map_err(|_| malformed())
}

/// Writes a new key to a private temporary file and links it into place, so that a
/// reader never sees a half-written key; when another process got there first, its
/// key is used instead.
fn create_key_file(path: &Path) -> Result<SeedVault, SeedKeyError> {
    let key = SeedVault::generate_key().map_err(SeedKeyError::Random)?;
    let file_error = |path: &Path, source| SeedKeyError::File {
        path: path.to_owned(),
        source,
    };
    if let Some(folder) = path.parent() {
        fs::create_dir_all(folder).map_err(|e| file_error(path, e))?;
    }
    let temporary = path.with_extension(format!("{}.tmp", std::process::id()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temporary).and_then(|mut file| {
        file.write_all(STANDARD.encode(key).as_bytes())?;
        file.sync_all()
    });
    if let Err(source) = written {
        let _ = fs::remove_file(&temporary);
        return Err(file_error(&temporary, source));
    }
    let linked = fs::hard_link(&temporary, path);
    let _ = fs::remove_file(&temporary);
    match linked {
        Ok(()) => {
            tracing::warn!(
                path = %path.display(),
                "no PORTICO_TOTP_KEY set: generated a TOTP seed key; back it up with the \
                 database, and set PORTICO_TOTP_KEY to the same key on every server \
                 sharing the database"
            );
            SeedVault::new(&key).map_err(|_| SeedKeyError::Malformed {
                origin: path.display().to_string(),
            })
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = fs::read_to_string(path).map_err(|e| file_error(path, e))?;
            vault_from_base64(text.trim(), &path.display().to_string())
        }
        Err(source) => Err(file_error(path, source)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_kernel::AccountId;
    use portico_security::TotpSeed;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("portico-{name}-{}", AccountId::generate()));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_generated_key_is_kept_and_reused() {
        let dir = temp_dir("seed-key");
        let first = seed_vault(None, &dir).unwrap();
        let account = AccountId::generate();
        let sealed = first.seal(account, &TotpSeed::generate().unwrap()).unwrap();
        let second = seed_vault(None, &dir).unwrap();
        assert!(second.open(account, &sealed).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_configured_key_wins_and_must_be_32_bytes() {
        let dir = temp_dir("seed-key-set");
        let key = Secret::new(STANDARD.encode([5u8; 32]));
        assert!(seed_vault(Some(&key), &dir).is_ok());
        assert!(!dir.join(KEY_FILE).exists());
        let short = Secret::new(STANDARD.encode([5u8; 16]));
        assert!(matches!(
            seed_vault(Some(&short), &dir),
            Err(SeedKeyError::Malformed { .. })
        ));
        let junk = Secret::new("not base64!".into());
        assert!(seed_vault(Some(&junk), &dir).is_err());
        fs::remove_dir_all(dir).unwrap();
    }
}
