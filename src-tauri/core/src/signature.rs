//! Signatures as stroke data: the vector point groups are the source of truth, so a report can
//! redraw exactly what was signed.

use crate::error::{Error, Result};
use crate::template::SignerRole;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    /// Pen pressure 0..1 (0.5 for a mouse).
    pub pressure: f64,
    /// Milliseconds since the stroke began.
    pub t: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Signature {
    pub signer_name: String,
    pub role: SignerRole,
    pub meaning: String,
    /// When it was signed, with the signer's UTC offset.
    pub signed_at: DateTime<FixedOffset>,
    /// Canvas size in CSS pixels, the frame the points are in.
    pub width: f64,
    pub height: f64,
    pub strokes: Vec<Vec<Point>>,
}

/// Below this much ink a signature is a tap or a slip, not a signature.
const MIN_POINTS: usize = 10;
const MAX_POINTS: usize = 50_000;

impl Signature {
    pub fn validate(&self, role: SignerRole) -> Result<()> {
        if self.role != role {
            return Err(Error::invalid("signature", "signed by the wrong role"));
        }
        if self.signer_name.trim().is_empty() || self.signer_name.chars().count() > 200 {
            return Err(Error::invalid(
                "signature",
                "the signer's printed name is required",
            ));
        }
        if !(self.width > 0.0
            && self.height > 0.0
            && self.width <= 10_000.0
            && self.height <= 10_000.0)
        {
            return Err(Error::invalid("signature", "the pad size is invalid"));
        }
        let points: usize = self.strokes.iter().map(Vec::len).sum();
        if points < MIN_POINTS {
            return Err(Error::invalid(
                "signature",
                "the signature is empty or too small",
            ));
        }
        if points > MAX_POINTS {
            return Err(Error::invalid(
                "signature",
                "the signature has too many points",
            ));
        }
        let inside = |p: &Point| {
            p.x.is_finite()
                && p.y.is_finite()
                && p.pressure.is_finite()
                && p.t.is_finite()
                && (0.0..=self.width).contains(&p.x)
                && (0.0..=self.height).contains(&p.y)
        };
        if !self.strokes.iter().flatten().all(inside) {
            return Err(Error::invalid("signature", "a point lies outside the pad"));
        }
        Ok(())
    }

    /// A deterministic synthetic signature (a few looping strokes), for demo data and tests.
    pub fn synthetic(
        signer_name: &str,
        role: SignerRole,
        meaning: &str,
        signed_at: DateTime<FixedOffset>,
        seed: u64,
    ) -> Signature {
        let (width, height) = (400.0, 150.0);
        let phase = (seed % 97) as f64 / 97.0;
        let strokes = (0..3)
            .map(|s| {
                (0..40)
                    .map(|i| {
                        let u = i as f64 / 39.0;
                        let x = 30.0 + s as f64 * 115.0 + u * 100.0;
                        let y = 75.0
                            + 40.0 * ((u * 6.0 + phase * std::f64::consts::TAU + s as f64).sin());
                        Point {
                            x,
                            y,
                            pressure: 0.5,
                            t: i as f64 * 8.0,
                        }
                    })
                    .collect()
            })
            .collect();
        Signature {
            signer_name: signer_name.into(),
            role,
            meaning: meaning.into(),
            signed_at,
            width,
            height,
            strokes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-03-02T10:00:00+01:00").unwrap()
    }

    #[test]
    fn synthetic_signature_is_valid() {
        let s = Signature::synthetic("Ana", SignerRole::Technician, "closure sign-off", at(), 3);
        s.validate(SignerRole::Technician).unwrap();
    }

    #[test]
    fn empty_or_tiny_signature_is_rejected() {
        let mut s = Signature::synthetic("Ana", SignerRole::Technician, "m", at(), 3);
        s.strokes = vec![s.strokes[0][..3].to_vec()];
        assert_eq!(
            s.validate(SignerRole::Technician).unwrap_err().code(),
            "INVALID_INPUT"
        );
    }

    #[test]
    fn wrong_role_nameless_and_out_of_pad_are_rejected() {
        let s = Signature::synthetic("Ana", SignerRole::EndUser, "m", at(), 3);
        assert!(s.validate(SignerRole::Technician).is_err());
        let mut n = s.clone();
        n.signer_name = "  ".into();
        assert!(n.validate(SignerRole::EndUser).is_err());
        let mut o = s.clone();
        o.strokes[0][0].x = f64::NAN;
        assert!(o.validate(SignerRole::EndUser).is_err());
    }
}
