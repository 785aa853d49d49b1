//! CMS SignedData for a detached SHA-256 digest, as PAdES baseline (ETSI.CAdES.detached) wants:
//! signed attributes content-type, message-digest and signing-certificate-v2, and no
//! signing-time (the PDF signature dictionary's /M carries the claimed time).

use super::identity::Identity;
use crate::error::{Error, Result};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{ObjectIdentifier, OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::Signature;
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_cert::Certificate;

const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const OID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const OID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const OID_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

/// RFC 5035 ESSCertIDv2 with the default hash algorithm (SHA-256), so it is omitted.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
    issuer_serial: Option<IssuerSerial>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: SerialNumber,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn failed(e: impl std::fmt::Display) -> Error {
    Error::SigningFailed(format!("CMS: {e}"))
}

fn algorithm(oid: ObjectIdentifier) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid,
        parameters: None,
    }
}

fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute> {
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value]).map_err(failed)?,
    })
}

/// A DER ContentInfo (SignedData) signing `digest`, the SHA-256 of the detached content.
pub fn sign_detached(digest: &[u8; 32], identity: &Identity) -> Result<Vec<u8>> {
    let signer = &identity.certificates.signer;
    let root = &identity.certificates.root;
    let signer_der = signer.to_der().map_err(failed)?;
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(Sha256::digest(&signer_der).to_vec()).map_err(failed)?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(
                    signer.tbs_certificate.issuer.clone(),
                )],
                serial_number: signer.tbs_certificate.serial_number.clone(),
            }),
        }],
    };
    let signed_attrs = SetOfVec::try_from(vec![
        attribute(
            OID_CONTENT_TYPE,
            Any::encode_from(&OID_DATA).map_err(failed)?,
        )?,
        attribute(
            OID_MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(digest.to_vec()).map_err(failed)?)
                .map_err(failed)?,
        )?,
        attribute(
            OID_SIGNING_CERTIFICATE_V2,
            Any::encode_from(&ess).map_err(failed)?,
        )?,
    ])
    .map_err(failed)?;
    // The signature covers the attributes' DER as a SET OF, not as the [0] IMPLICIT field.
    let to_sign = signed_attrs.to_der().map_err(failed)?;
    let signature: Signature = identity.key().sign(&to_sign);
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: signer.tbs_certificate.issuer.clone(),
            serial_number: signer.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: algorithm(OID_SHA256),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: algorithm(OID_ECDSA_SHA256),
        signature: OctetString::new(signature.to_der().as_bytes().to_vec()).map_err(failed)?,
        unsigned_attrs: None,
    };
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![algorithm(OID_SHA256)]).map_err(failed)?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: OID_DATA,
            econtent: None,
        },
        certificates: Some(
            SetOfVec::try_from(vec![
                CertificateChoices::Certificate(signer.clone()),
                CertificateChoices::Certificate(root.clone()),
            ])
            .map(CertificateSet)
            .map_err(failed)?,
        ),
        crls: None,
        signer_infos: SetOfVec::try_from(vec![signer_info])
            .map(SignerInfos)
            .map_err(failed)?,
    };
    ContentInfo {
        content_type: OID_SIGNED_DATA,
        content: Any::encode_from(&signed_data).map_err(failed)?,
    }
    .to_der()
    .map_err(failed)
}

/// What a CMS signature was found to be.
#[derive(Debug, Clone)]
pub struct CmsVerified {
    /// The certificate whose key made the signature.
    pub signer: Certificate,
}

/// Checks a detached CMS signature over content whose SHA-256 is `digest`. Trailing bytes after
/// the DER (a PDF's zero padding) are ignored. The error text says what did not hold.
pub fn verify_detached(
    cms_der: &[u8],
    digest: &[u8; 32],
) -> std::result::Result<CmsVerified, String> {
    let mut reader = der::SliceReader::new(cms_der).map_err(|e| e.to_string())?;
    let info = ContentInfo::decode(&mut reader).map_err(|e| format!("not CMS: {e}"))?;
    if info.content_type != OID_SIGNED_DATA {
        return Err("not CMS SignedData".into());
    }
    let sd: SignedData = info
        .content
        .decode_as()
        .map_err(|e| format!("not CMS SignedData: {e}"))?;
    let si = match sd.signer_infos.0.as_slice() {
        [one] => one,
        _ => return Err("expected exactly one signer".into()),
    };
    let certs: Vec<&Certificate> = sd
        .certificates
        .as_ref()
        .map(|c| {
            c.0.iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(c) => Some(c),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let signer = match &si.sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => certs.iter().find(|c| {
            c.tbs_certificate.issuer == ias.issuer
                && c.tbs_certificate.serial_number == ias.serial_number
        }),
        SignerIdentifier::SubjectKeyIdentifier(_) => None,
    }
    .ok_or("the signer's certificate is not in the signature")?;
    if si.digest_alg.oid != OID_SHA256 || si.signature_algorithm.oid != OID_ECDSA_SHA256 {
        return Err("not ECDSA with SHA-256".into());
    }
    let attrs = si
        .signed_attrs
        .as_ref()
        .ok_or("the signature has no signed attributes")?;
    let value_of = |oid| {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| a.values.iter().next())
    };
    let content_type: ObjectIdentifier = value_of(OID_CONTENT_TYPE)
        .and_then(|v| v.decode_as().ok())
        .ok_or("no content-type attribute")?;
    if content_type != OID_DATA {
        return Err("unexpected content type".into());
    }
    let signed_digest: OctetString = value_of(OID_MESSAGE_DIGEST)
        .and_then(|v| v.decode_as().ok())
        .ok_or("no message-digest attribute")?;
    if signed_digest.as_bytes() != digest.as_slice() {
        return Err("Digest Mismatch: the document changed after it was signed".into());
    }
    if let Some(v) = value_of(OID_SIGNING_CERTIFICATE_V2) {
        let ess: SigningCertificateV2 = v
            .decode_as()
            .map_err(|e| format!("bad signing-certificate-v2: {e}"))?;
        let signer_der = signer.to_der().map_err(|e| e.to_string())?;
        let expected = Sha256::digest(&signer_der);
        if ess.certs.first().map(|c| c.cert_hash.as_bytes()) != Some(expected.as_slice()) {
            return Err("signing-certificate-v2 names another certificate".into());
        }
    }
    let key = super::identity::verifying_key(signer).map_err(|e| e.to_string())?;
    let sig = Signature::from_der(si.signature.as_bytes()).map_err(|e| e.to_string())?;
    let signed = attrs.to_der().map_err(|e| e.to_string())?;
    key.verify(&signed, &sig)
        .map_err(|_| "the signature value does not verify".to_string())?;
    Ok(CmsVerified {
        signer: (*signer).clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn identity() -> Identity {
        let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        Identity::ephemeral("Test Desk", now).unwrap()
    }

    #[test]
    fn signs_and_verifies_a_digest_and_refuses_another() {
        let id = identity();
        let digest: [u8; 32] = Sha256::digest(b"report").into();
        let mut cms = sign_detached(&digest, &id).unwrap();
        let ok = verify_detached(&cms, &digest).unwrap();
        assert_eq!(ok.signer, id.certificates.signer);
        cms.extend_from_slice(&[0; 64]);
        verify_detached(&cms, &digest).unwrap();
        let other: [u8; 32] = Sha256::digest(b"report!").into();
        let e = verify_detached(&cms, &other).unwrap_err();
        assert!(e.contains("Digest Mismatch"), "{e}");
    }

    #[test]
    fn garbage_is_refused_without_panicking() {
        let digest = [0u8; 32];
        for bytes in [
            &b""[..],
            b"\x30\x80",
            b"not cms at all",
            &[0x30, 0x03, 0x06, 0x01, 0x00],
        ] {
            assert!(verify_detached(bytes, &digest).is_err());
        }
    }
}
