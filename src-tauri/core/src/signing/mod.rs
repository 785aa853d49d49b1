//! Digital signatures on closure reports: the installation's identity, CMS (CAdES) signing and
//! PAdES signatures in PDF files, and their verification.
//!
//! Each installation has its own small PKI: a root certificate (the trust anchor a client
//! imports) and a signer certificate issued by it. ECDSA P-256 with SHA-256 is used because
//! poppler, pyHanko and Adobe Reader all validate it (Ed25519 is not accepted by them yet).
//! Certificates are public and live in the data directory; private keys live only in the OS
//! keychain (see [`crate::secrets`]).

mod cms;
mod identity;
mod pdf;

pub use cms::{sign_detached, verify_detached, CmsVerified};
pub use identity::{
    certificates_path, export_root_pem, key_id, keychain_holds_key_of, load_certificates,
    subject_name, Certificates, Identity,
};
pub(crate) use identity::{issued_by, verifying_key};
pub use pdf::{
    add_signature_field, sign_prepared, verify_pdf, PdfSignatureCheck, SignatureField,
    CONTENTS_CAPACITY,
};
