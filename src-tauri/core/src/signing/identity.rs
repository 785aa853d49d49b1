//! The installation's signing identity: a root certificate and a signer certificate it issued.
//!
//! Created on first use. The certificates are written to `<data dir>/report-signing/` (they are
//! public: the root is what a client imports to trust the reports); both private keys go to the
//! OS keychain under names derived from their public keys, so several data directories on one
//! machine never share or overwrite each other's keys. The root key is kept so a new signer
//! certificate can be issued later without asking clients to trust a new root.

use crate::error::{Error, Result};
use crate::secrets::SecretStore;
use chrono::{DateTime, Utc};
use der::asn1::{ObjectIdentifier, SetOfVec, Utf8StringRef};
use der::{Any, Encode};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{DerSignature, Signature, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use spki::SubjectPublicKeyInfoOwned;
use std::path::{Path, PathBuf};
use std::time::Duration;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::der::pem::LineEnding;
use x509_cert::der::EncodePem;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;

const DIR: &str = "report-signing";
const FILE: &str = "certificates.pem";
const OID_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const OID_O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const YEAR: u64 = 365 * 24 * 3600;
/// Reports are kept for years and are checked against the certificate's validity, so both
/// certificates outlive any retention period a desk is likely to have.
const ROOT_YEARS: u64 = 30;
const SIGNER_YEARS: u64 = 25;

fn failed(what: &str, e: impl std::fmt::Display) -> Error {
    Error::SigningFailed(format!("{what}: {e}"))
}

/// The public half of the identity.
#[derive(Debug, Clone, PartialEq)]
pub struct Certificates {
    pub root: Certificate,
    pub signer: Certificate,
}

/// The identity with the signer's private key, loaded from the keychain.
pub struct Identity {
    pub certificates: Certificates,
    key: SigningKey,
    /// The keychain it came from (None: an ephemeral identity), where checkpoints leave their
    /// high-water mark.
    secrets: Option<SecretStore>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("signer", &subject_name(&self.certificates.signer))
            .finish_non_exhaustive()
    }
}

pub fn certificates_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DIR).join(FILE)
}

fn spki_der(cert: &Certificate) -> Result<Vec<u8>> {
    cert.tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| failed("certificate key", e))
}

/// Names a certificate's key: the SHA-256 of its SubjectPublicKeyInfo, hex. Checkpoints carry it,
/// so a checkpoint signed by another key is told apart from one whose signature is broken.
pub fn key_id(cert: &Certificate) -> Result<String> {
    Ok(hex::encode(Sha256::digest(spki_der(cert)?)))
}

fn key_name(kind: &str, spki: &[u8]) -> String {
    format!("{kind}/{}", &hex::encode(Sha256::digest(spki))[..32])
}

/// The key of a certificate's subject, as ECDSA P-256.
pub(crate) fn verifying_key(cert: &Certificate) -> Result<VerifyingKey> {
    let bits = &cert
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key;
    VerifyingKey::from_sec1_bytes(bits.raw_bytes())
        .map_err(|e| Error::SigningFailed(format!("not an ECDSA P-256 certificate key: {e}")))
}

/// Whether `issuer` signed `cert` (ECDSA P-256 / SHA-256).
pub(crate) fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    let Ok(key) = verifying_key(issuer) else {
        return false;
    };
    if cert.signature_algorithm.oid != OID_ECDSA_SHA256
        || cert.tbs_certificate.issuer != issuer.tbs_certificate.subject
    {
        return false;
    }
    let (Ok(tbs), Some(sig)) = (
        cert.tbs_certificate.to_der(),
        cert.signature
            .as_bytes()
            .and_then(|b| Signature::from_der(b).ok()),
    ) else {
        return false;
    };
    key.verify(&tbs, &sig).is_ok()
}

pub fn subject_name(cert: &Certificate) -> String {
    cert.tbs_certificate
        .subject
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == OID_CN)
        .and_then(|atv| {
            atv.value
                .decode_as::<der::asn1::Utf8StringRef<'_>>()
                .map(|s| s.as_str().to_string())
                .ok()
                .or_else(|| {
                    atv.value
                        .decode_as::<der::asn1::PrintableStringRef<'_>>()
                        .map(|s| s.as_str().to_string())
                        .ok()
                })
        })
        .unwrap_or_default()
}

/// Reads the certificates, if this installation has an identity yet.
pub fn load_certificates(data_dir: &Path) -> Result<Option<Certificates>> {
    let path = certificates_path(data_dir);
    let pem = match std::fs::read(&path) {
        Ok(p) => p,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let chain = Certificate::load_pem_chain(&pem)
        .map_err(|e| failed(&format!("{} is unreadable", path.display()), e))?;
    let [signer, root] = <[Certificate; 2]>::try_from(chain).map_err(|c| {
        Error::SigningFailed(format!(
            "{} holds {} certificates, expected the signer and the root",
            path.display(),
            c.len()
        ))
    })?;
    if !issued_by(&signer, &root) || !issued_by(&root, &root) {
        return Err(Error::SigningFailed(format!(
            "{}: the signer certificate was not issued by the root",
            path.display()
        )));
    }
    Ok(Some(Certificates { root, signer }))
}

/// The root certificate as PEM, for a client to import as a trust anchor.
pub fn export_root_pem(data_dir: &Path) -> Result<String> {
    let certs = load_certificates(data_dir)?.ok_or_else(|| {
        Error::not_found(
            "signing identity",
            "(none yet: it is created when the first report is exported)",
        )
    })?;
    certs
        .root
        .to_pem(LineEnding::LF)
        .map_err(|e| failed("root certificate", e))
}

fn name(common_name: &str, organization: &str) -> Result<Name> {
    let atv = |oid, value: &str| -> Result<RelativeDistinguishedName> {
        let value = Any::encode_from(&Utf8StringRef::new(value).map_err(|e| failed("name", e))?)
            .map_err(|e| failed("name", e))?;
        let set = SetOfVec::try_from(vec![AttributeTypeAndValue { oid, value }])
            .map_err(|e| failed("name", e))?;
        Ok(RelativeDistinguishedName(set))
    };
    Ok(RdnSequence(vec![
        atv(OID_O, organization)?,
        atv(OID_CN, common_name)?,
    ]))
}

fn time(at: DateTime<Utc>, plus_years: u64) -> Result<Time> {
    let secs = u64::try_from(at.timestamp().max(0)).unwrap_or(0) + plus_years * YEAR;
    let t = der::asn1::GeneralizedTime::from_unix_duration(Duration::from_secs(secs))
        .map_err(|e| failed("validity", e))?;
    Ok(Time::GeneralTime(t))
}

fn serial() -> Result<SerialNumber> {
    let mut bytes = [0u8; 16];
    getrandom_fill(&mut bytes)?;
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    SerialNumber::new(&bytes).map_err(|e| failed("serial number", e))
}

fn getrandom_fill(buf: &mut [u8]) -> Result<()> {
    use rand_core::RngCore;
    rand_core::OsRng
        .try_fill_bytes(buf)
        .map_err(|e| failed("random numbers", e))
}

fn new_key() -> SigningKey {
    SigningKey::random(&mut rand_core::OsRng)
}

fn certificate(
    profile: Profile,
    subject: Name,
    subject_key: &VerifyingKey,
    issuer_key: &SigningKey,
    now: DateTime<Utc>,
    years: u64,
) -> Result<Certificate> {
    let validity = Validity {
        not_before: time(now - chrono::Duration::minutes(5), 0)?,
        not_after: time(now, years)?,
    };
    let spki =
        SubjectPublicKeyInfoOwned::from_key(*subject_key).map_err(|e| failed("public key", e))?;
    CertificateBuilder::new(profile, serial()?, validity, subject, spki, issuer_key)
        .map_err(|e| failed("certificate", e))?
        .build::<DerSignature>()
        .map_err(|e| failed("certificate", e))
}

fn write_atomically(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| Error::invalid("data_dir", "has no parent"))?;
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{FILE}.{}.tmp", std::process::id()));
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}

fn load_key(secrets: &SecretStore, name: &str, cert: &Certificate) -> Result<Option<SigningKey>> {
    let Some(bytes) = secrets.get(name)? else {
        return Ok(None);
    };
    let key = SigningKey::from_slice(&bytes).map_err(|_| {
        Error::SigningFailed(format!(
            "the keychain entry {name} is not an ECDSA P-256 key"
        ))
    })?;
    if *key.verifying_key() != verifying_key(cert)? {
        return Err(Error::SigningFailed(format!(
            "the keychain entry {name} does not match its certificate"
        )));
    }
    Ok(Some(key))
}

impl Identity {
    /// Loads this installation's identity, creating it on first use.
    ///
    /// `msp_name` names the organization in new certificates. If the certificates exist but the
    /// keychain has lost the signer key (another machine's keychain, a kernel store after a
    /// reboot), the error is SIGNING_KEY_MISSING; nothing is silently replaced, since clients
    /// trust the existing root.
    pub fn load_or_create(
        data_dir: &Path,
        secrets: &SecretStore,
        msp_name: &str,
        now: DateTime<Utc>,
    ) -> Result<Identity> {
        if let Some(certificates) = load_certificates(data_dir)? {
            let name = key_name("report-signer", &spki_der(&certificates.signer)?);
            return match load_key(secrets, &name, &certificates.signer)? {
                Some(key) => Ok(Identity {
                    certificates,
                    key,
                    secrets: Some(secrets.clone()),
                }),
                None => Err(Error::SigningKeyMissing(format!(
                    "{name} is not in the {} store; the certificates in {} need the keychain that created them",
                    secrets.kind(),
                    certificates_path(data_dir).display()
                ))),
            };
        }
        let identity = Identity::generate(msp_name, now)?;
        let root_key = identity.root_key;
        let mut identity = identity.identity;
        identity.secrets = Some(secrets.clone());
        let signer_name = key_name("report-signer", &spki_der(&identity.certificates.signer)?);
        let root_name = key_name("report-root", &spki_der(&identity.certificates.root)?);
        secrets.set(&root_name, &root_key.to_bytes())?;
        secrets.set(&signer_name, &identity.key.to_bytes())?;
        let mut pem = identity
            .certificates
            .signer
            .to_pem(LineEnding::LF)
            .map_err(|e| failed("certificate", e))?;
        pem.push_str(
            &identity
                .certificates
                .root
                .to_pem(LineEnding::LF)
                .map_err(|e| failed("certificate", e))?,
        );
        write_atomically(&certificates_path(data_dir), pem.as_bytes())?;
        Ok(identity)
    }

    /// A fresh identity held in memory only (tests, benchmarks).
    pub fn ephemeral(msp_name: &str, now: DateTime<Utc>) -> Result<Identity> {
        Ok(Identity::generate(msp_name, now)?.identity)
    }

    fn generate(msp_name: &str, now: DateTime<Utc>) -> Result<Generated> {
        let org = if msp_name.trim().is_empty() {
            crate::report::DEFAULT_MSP_NAME
        } else {
            msp_name.trim()
        };
        let mut tag = [0u8; 4];
        getrandom_fill(&mut tag)?;
        let root_subject = name(&format!("{org} report root {}", hex::encode(tag)), org)?;
        let root_key = new_key();
        let root = certificate(
            Profile::Root,
            root_subject.clone(),
            root_key.verifying_key(),
            &root_key,
            now,
            ROOT_YEARS,
        )?;
        let key = new_key();
        let signer = certificate(
            Profile::Leaf {
                issuer: root_subject,
                enable_key_agreement: false,
                enable_key_encipherment: false,
            },
            name(&format!("{org} closure reports"), org)?,
            key.verifying_key(),
            &root_key,
            now,
            SIGNER_YEARS,
        )?;
        Ok(Generated {
            identity: Identity {
                certificates: Certificates { root, signer },
                key,
                secrets: None,
            },
            root_key,
        })
    }

    pub(crate) fn key(&self) -> &SigningKey {
        &self.key
    }

    /// The keychain this identity was loaded from, if any.
    pub(crate) fn keychain(&self) -> Option<&SecretStore> {
        self.secrets.as_ref()
    }

    /// The name of an entry of this identity's in the keychain (`kind/<key id>`).
    pub(crate) fn entry_name(&self, kind: &str) -> Result<String> {
        Ok(key_name(kind, &spki_der(&self.certificates.signer)?))
    }

    /// The signer's name as its certificate gives it.
    pub fn signer_name(&self) -> String {
        subject_name(&self.certificates.signer)
    }
}

/// Whether `secrets` holds the private key of `cert` (a signer certificate this machine made).
pub fn keychain_holds_key_of(secrets: &SecretStore, cert: &Certificate) -> Result<bool> {
    let name = key_name("report-signer", &spki_der(cert)?);
    Ok(load_key(secrets, &name, cert).is_ok_and(|k| k.is_some()))
}

struct Generated {
    identity: Identity,
    root_key: SigningKey,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn root_signs_itself_and_the_signer() {
        let id = Identity::ephemeral("Zoë's IT, Inc.", now()).unwrap();
        assert!(issued_by(&id.certificates.root, &id.certificates.root));
        assert!(issued_by(&id.certificates.signer, &id.certificates.root));
        assert!(!issued_by(&id.certificates.root, &id.certificates.signer));
        assert_eq!(id.signer_name(), "Zoë's IT, Inc. closure reports");
    }

    #[test]
    fn identity_is_created_once_and_its_keys_stay_in_the_keychain() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = SecretStore::in_memory().unwrap();
        let a = Identity::load_or_create(dir.path(), &secrets, "Desk", now()).unwrap();
        let b = Identity::load_or_create(dir.path(), &secrets, "Other", now()).unwrap();
        assert_eq!(a.certificates, b.certificates);
        let pem = std::fs::read_to_string(certificates_path(dir.path())).unwrap();
        assert!(!pem.contains("PRIVATE"), "no private key on disk");
        assert_eq!(pem.matches("BEGIN CERTIFICATE").count(), 2);
        let other_keychain = SecretStore::in_memory().unwrap();
        let e = Identity::load_or_create(dir.path(), &other_keychain, "Desk", now()).unwrap_err();
        assert_eq!(e.code(), "SIGNING_KEY_MISSING");
    }
}
