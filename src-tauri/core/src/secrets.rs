//! Where private keys live: the OS credential store, never SQLite, a file or a log.
//!
//! Code goes through `keyring_core::Entry` on an explicitly chosen store, so the app and the CLI
//! use the platform keychain while tests use keyring-core's in-memory mock and never touch the
//! real one. There is deliberately no file-backed option.
//!
//! Platform stores: macOS Keychain, Windows Credential Manager, and on Linux/BSD the Secret
//! Service (GNOME Keyring, KWallet). On Linux, `TICKETFLOW_KEYSTORE=keyutils` selects the kernel
//! key store instead: it needs no desktop session (headless servers, CI), but the kernel forgets
//! its keys at reboot, so it suits machines whose reports can be re-signed under a new identity.

use crate::error::{Error, Result};
use std::sync::Arc;

/// Chooses the Linux store: `secret-service` (default) or `keyutils`.
pub const KEYSTORE_ENV: &str = "TICKETFLOW_KEYSTORE";
/// Keychain entries are filed under the app's identifier.
pub const SERVICE: &str = crate::paths::APP_IDENTIFIER;

/// A handle on one credential store.
#[derive(Clone)]
pub struct SecretStore {
    store: Arc<keyring_core::CredentialStore>,
    kind: &'static str,
}

impl std::fmt::Debug for SecretStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretStore")
            .field("kind", &self.kind)
            .finish()
    }
}

fn unavailable(e: keyring_core::Error) -> Error {
    Error::KeychainUnavailable(e.to_string())
}

impl SecretStore {
    /// The platform's credential store (see the module docs for the choice on Linux).
    pub fn platform() -> Result<SecretStore> {
        let wanted = std::env::var(KEYSTORE_ENV).unwrap_or_default();
        Self::platform_named(wanted.trim())
    }

    #[cfg(target_os = "linux")]
    fn platform_named(name: &str) -> Result<SecretStore> {
        match name {
            "" | "secret-service" => Ok(SecretStore {
                store: dbus_secret_service_keyring_store::Store::new().map_err(unavailable)?,
                kind: "secret-service",
            }),
            "keyutils" => Ok(SecretStore {
                store: linux_keyutils_keyring_store::Store::new().map_err(unavailable)?,
                kind: "keyutils",
            }),
            other => Err(Error::invalid(
                KEYSTORE_ENV,
                format!("unknown key store {other:?}; use secret-service or keyutils"),
            )),
        }
    }

    #[cfg(all(
        unix,
        not(any(
            target_os = "linux",
            target_os = "macos",
            target_os = "ios",
            target_os = "android"
        ))
    ))]
    fn platform_named(name: &str) -> Result<SecretStore> {
        match name {
            "" | "secret-service" => Ok(SecretStore {
                store: dbus_secret_service_keyring_store::Store::new().map_err(unavailable)?,
                kind: "secret-service",
            }),
            other => Err(Error::invalid(
                KEYSTORE_ENV,
                format!("unknown key store {other:?}; use secret-service"),
            )),
        }
    }

    #[cfg(target_os = "macos")]
    fn platform_named(name: &str) -> Result<SecretStore> {
        match name {
            "" | "keychain" => Ok(SecretStore {
                store: apple_native_keyring_store::keychain::Store::new().map_err(unavailable)?,
                kind: "keychain",
            }),
            other => Err(Error::invalid(
                KEYSTORE_ENV,
                format!("unknown key store {other:?}; use keychain"),
            )),
        }
    }

    #[cfg(target_os = "windows")]
    fn platform_named(name: &str) -> Result<SecretStore> {
        match name {
            "" | "credential-manager" => Ok(SecretStore {
                store: windows_native_keyring_store::Store::new().map_err(unavailable)?,
                kind: "credential-manager",
            }),
            other => Err(Error::invalid(
                KEYSTORE_ENV,
                format!("unknown key store {other:?}; use credential-manager"),
            )),
        }
    }

    #[cfg(not(any(unix, windows)))]
    fn platform_named(_name: &str) -> Result<SecretStore> {
        Err(Error::KeychainUnavailable(
            "no credential store on this platform".into(),
        ))
    }

    /// An in-memory store that forgets everything when dropped: for tests only, so they never
    /// touch the real keychain. The CLI and the app never choose it.
    pub fn in_memory() -> Result<SecretStore> {
        Ok(SecretStore {
            store: keyring_core::mock::Store::new().map_err(unavailable)?,
            kind: "memory",
        })
    }

    /// Which store this is, for diagnostics ("keyutils", "secret-service", ...).
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    fn entry(&self, name: &str) -> Result<keyring_core::Entry> {
        keyring_core::Entry::new_in_store(&self.store, SERVICE, name).map_err(unavailable)
    }

    /// The secret stored under `name`, if there is one.
    pub fn get(&self, name: &str) -> Result<Option<Vec<u8>>> {
        match self.entry(name)?.get_secret() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    pub fn set(&self, name: &str, secret: &[u8]) -> Result<()> {
        self.entry(name)?.set_secret(secret).map_err(unavailable)
    }

    /// Removes the secret under `name`; removing a missing one is not an error.
    pub fn delete(&self, name: &str) -> Result<()> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trips_and_deletes() {
        let s = SecretStore::in_memory().unwrap();
        assert_eq!(s.get("k").unwrap(), None);
        s.set("k", &[1, 2, 3]).unwrap();
        assert_eq!(s.get("k").unwrap(), Some(vec![1, 2, 3]));
        s.delete("k").unwrap();
        assert_eq!(s.get("k").unwrap(), None);
        s.delete("k").unwrap();
    }

    #[test]
    fn two_memory_stores_are_separate() {
        let a = SecretStore::in_memory().unwrap();
        let b = SecretStore::in_memory().unwrap();
        a.set("k", b"x").unwrap();
        assert_eq!(b.get("k").unwrap(), None);
    }
}
