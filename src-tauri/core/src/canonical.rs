//! Canonical JSON (RFC 8785) and SHA-256: the basis of every hash Ticketflow stores.
//!
//! Canonical form makes a hash depend on content only, not on key order or number formatting,
//! so anyone can recompute it from the record with any JCS implementation.

use crate::error::{Error, Result};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub fn canonical_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_jcs::to_string(value)
        .map_err(|e| Error::invalid("record", format!("cannot canonicalize: {e}")))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// SHA-256 of a value's canonical JSON, hex-encoded.
pub fn hash_of<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    Ok(sha256_hex(canonical_json(value)?.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_does_not_change_the_hash() {
        let a = json!({"b": 1, "a": [1, 2, {"y": "é", "x": null}]});
        let b: serde_json::Value =
            serde_json::from_str(r#"{"a":[1,2,{"x":null,"y":"é"}],"b":1}"#).unwrap();
        assert_eq!(hash_of(&a).unwrap(), hash_of(&b).unwrap());
        assert_eq!(
            canonical_json(&a).unwrap(),
            r#"{"a":[1,2,{"x":null,"y":"é"}],"b":1}"#
        );
    }

    #[test]
    fn content_changes_the_hash() {
        assert_ne!(
            hash_of(&json!({"a": 1})).unwrap(),
            hash_of(&json!({"a": 2})).unwrap()
        );
    }
}
