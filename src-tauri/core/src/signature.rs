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

/// The pad's drawing options when the signature was taken: with the points and the canvas size
/// they make a replay draw the same geometry (stroke width follows pen speed and pressure).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PadOptions {
    pub min_width: f64,
    pub max_width: f64,
    pub dot_size: f64,
    pub velocity_filter_weight: f64,
    pub min_distance: f64,
    pub throttle: f64,
}

impl Default for PadOptions {
    /// signature_pad's own defaults, which the app uses.
    fn default() -> Self {
        PadOptions {
            min_width: 0.5,
            max_width: 2.5,
            dot_size: 0.0,
            velocity_filter_weight: 0.7,
            min_distance: 5.0,
            throttle: 16.0,
        }
    }
}

impl PadOptions {
    fn is_sane(&self) -> bool {
        let all = [
            self.min_width,
            self.max_width,
            self.dot_size,
            self.velocity_filter_weight,
            self.min_distance,
            self.throttle,
        ];
        all.iter().all(|v| v.is_finite() && *v >= 0.0)
            && self.min_width <= self.max_width
            && self.max_width <= 50.0
            && self.velocity_filter_weight <= 1.0
    }
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
    /// `window.devicePixelRatio` of the screen it was drawn on (signatures stored before this
    /// field existed read as 1).
    #[serde(default = "one")]
    pub device_pixel_ratio: f64,
    #[serde(default)]
    pub pad: PadOptions,
    /// The exact text shown to the signer: what the signature attests to.
    #[serde(default)]
    pub content: String,
    /// SHA-256 (hex, all 64 digits) of `content`'s UTF-8 bytes. The caller sends the hash of the
    /// text it showed (the one its signing nonce was issued for); the core recomputes it and
    /// refuses a signature whose hash and text disagree.
    #[serde(default)]
    pub content_sha256: String,
    /// The single-use nonce the core issued for this signing (see `Store::issue_signing_nonce`),
    /// bound to the ticket, the step, the signer's role and `content_sha256`. Empty only in
    /// signatures stored before nonces existed.
    #[serde(default)]
    pub nonce: String,
    /// `data:image/png;base64,…` for quick display only; the strokes are the signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub preview_png: Option<String>,
}

fn one() -> f64 {
    1.0
}

/// A stored signature value without its PNG preview: the preview is display-only and drawn from
/// the strokes, so the audit trail and the sealed record keep the strokes and leave it out.
pub fn without_preview(mut value: serde_json::Value) -> serde_json::Value {
    if let Some(o) = value.as_object_mut() {
        o.remove("preview_png");
    }
    value
}

/// Below this much ink (points, or extent in CSS pixels) a signature is a tap or a slip.
const MIN_POINTS: usize = 10;
const MIN_EXTENT: f64 = 24.0;
const MAX_POINTS: usize = 50_000;
const MAX_CONTENT_CHARS: usize = 20_000;
const MAX_PREVIEW_BYTES: usize = 512 * 1024;
const PNG_DATA_URL: &str = "data:image/png;base64,";

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
        if self.extent() < MIN_EXTENT {
            return Err(Error::invalid(
                "signature",
                "the signature is empty or too small",
            ));
        }
        if !(self.device_pixel_ratio.is_finite()
            && self.device_pixel_ratio > 0.0
            && self.device_pixel_ratio <= 10.0)
        {
            return Err(Error::invalid(
                "signature",
                "the device pixel ratio is invalid",
            ));
        }
        if !self.pad.is_sane() {
            return Err(Error::invalid("signature", "the pad options are invalid"));
        }
        if self.content.trim().is_empty() || self.content.chars().count() > MAX_CONTENT_CHARS {
            return Err(Error::invalid(
                "signature",
                "the text shown to the signer is missing",
            ));
        }
        if let Some(png) = &self.preview_png {
            if !png.starts_with(PNG_DATA_URL) || png.len() > MAX_PREVIEW_BYTES {
                return Err(Error::invalid(
                    "signature",
                    "the preview must be a PNG data URL under 512 KB",
                ));
            }
        }
        Ok(())
    }

    /// The larger side of the box around all the ink.
    fn extent(&self) -> f64 {
        let mut points = self.strokes.iter().flatten();
        let Some(first) = points.next() else {
            return 0.0;
        };
        let (mut x0, mut y0, mut x1, mut y1) = (first.x, first.y, first.x, first.y);
        for p in points {
            x0 = x0.min(p.x);
            y0 = y0.min(p.y);
            x1 = x1.max(p.x);
            y1 = y1.max(p.y);
        }
        (x1 - x0).max(y1 - y0)
    }

    /// Checks the signature and binds it to its content: the hash is recomputed here, and a hash
    /// the caller sent must be all of it, so a caller cannot claim one text while showing
    /// another. (A caller may leave it empty: the nonce, checked when the step is stored, is
    /// bound to the hash of the text, so the binding holds either way.)
    pub fn sealed(mut self, role: SignerRole) -> Result<Signature> {
        self.validate(role)?;
        let computed = crate::canonical::sha256_hex(self.content.as_bytes());
        if !self.content_sha256.is_empty() && self.content_sha256 != computed {
            return Err(Error::invalid(
                "signature",
                "the SHA-256 sent is not the hash of the text shown: open the pad again to show the current text",
            ));
        }
        self.content_sha256 = computed;
        Ok(self)
    }

    /// The canonical hash of the strokes alone: two signatures with the same hash carry the
    /// same ink, point for point, whatever their names, times or texts.
    pub fn strokes_sha256(&self) -> Result<String> {
        crate::canonical::hash_of(&self.strokes)
    }

    /// A deterministic synthetic signature (a few looping strokes), for demo data and tests.
    pub fn synthetic(
        signer_name: &str,
        role: SignerRole,
        meaning: &str,
        content: &str,
        signed_at: DateTime<FixedOffset>,
        seed: u64,
    ) -> Signature {
        let (width, height) = (400.0, 150.0);
        let phase = (seed % 97) as f64 / 97.0;
        // Every seed draws other ink (the core refuses a stroke set it has stored before); seeds
        // under 97 keep the amplitude they always had.
        let lap = (seed / 97) as f64;
        let amplitude = 40.0 - 5.0 * (lap * 0.618_033_988_749_895).fract();
        let strokes = (0..3)
            .map(|s| {
                (0..40)
                    .map(|i| {
                        let u = i as f64 / 39.0;
                        let x = 30.0 + s as f64 * 115.0 + u * 100.0;
                        let y = 75.0
                            + amplitude
                                * ((u * 6.0 + phase * std::f64::consts::TAU + s as f64).sin());
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
            device_pixel_ratio: 1.0,
            pad: PadOptions::default(),
            content: content.into(),
            content_sha256: crate::canonical::sha256_hex(content.as_bytes()),
            nonce: String::new(),
            preview_png: None,
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
        let s = Signature::synthetic(
            "Ana",
            SignerRole::Technician,
            "closure sign-off",
            "text",
            at(),
            3,
        );
        s.validate(SignerRole::Technician).unwrap();
    }

    #[test]
    fn empty_or_tiny_signature_is_rejected() {
        let mut s = Signature::synthetic("Ana", SignerRole::Technician, "m", "text", at(), 3);
        s.strokes = vec![s.strokes[0][..3].to_vec()];
        assert_eq!(
            s.validate(SignerRole::Technician).unwrap_err().code(),
            "INVALID_INPUT"
        );
        // Enough points, but all within a few pixels: a dot, not a signature.
        let dot = Point {
            x: 50.0,
            y: 50.0,
            pressure: 0.5,
            t: 0.0,
        };
        s.strokes = vec![(0..30)
            .map(|i| Point {
                x: dot.x + (i % 5) as f64,
                t: i as f64,
                ..dot
            })
            .collect()];
        assert_eq!(
            s.validate(SignerRole::Technician).unwrap_err().code(),
            "INVALID_INPUT"
        );
    }

    #[test]
    fn wrong_role_nameless_and_out_of_pad_are_rejected() {
        let s = Signature::synthetic("Ana", SignerRole::EndUser, "m", "text", at(), 3);
        assert!(s.validate(SignerRole::Technician).is_err());
        let mut n = s.clone();
        n.signer_name = "  ".into();
        assert!(n.validate(SignerRole::EndUser).is_err());
        let mut o = s.clone();
        o.strokes[0][0].x = f64::NAN;
        assert!(o.validate(SignerRole::EndUser).is_err());
    }

    #[test]
    fn content_dpr_options_and_preview_are_checked() {
        let s = Signature::synthetic("Ana", SignerRole::EndUser, "m", "text", at(), 3);
        let mut c = s.clone();
        c.content = " ".into();
        assert!(c.validate(SignerRole::EndUser).is_err());
        let mut d = s.clone();
        d.device_pixel_ratio = 0.0;
        assert!(d.validate(SignerRole::EndUser).is_err());
        let mut o = s.clone();
        o.pad.min_width = 3.0;
        assert!(o.validate(SignerRole::EndUser).is_err());
        let mut p = s.clone();
        p.preview_png = Some("<img src=x onerror=alert(1)>".into());
        assert!(p.validate(SignerRole::EndUser).is_err());
        p.preview_png = Some(format!("{PNG_DATA_URL}iVBORw0KGgo="));
        p.validate(SignerRole::EndUser).unwrap();
    }

    #[test]
    fn sealing_checks_the_content_hash_sent() {
        let s = Signature::synthetic("Ana", SignerRole::EndUser, "m", "It works", at(), 3);
        let full = crate::canonical::sha256_hex("It works".as_bytes());
        assert_eq!(
            s.clone()
                .sealed(SignerRole::EndUser)
                .unwrap()
                .content_sha256,
            full
        );
        let mut unsent = s.clone();
        unsent.content_sha256.clear();
        assert_eq!(
            unsent.sealed(SignerRole::EndUser).unwrap().content_sha256,
            full
        );
        for forged in [
            "forged",
            &full[..32],
            &crate::canonical::sha256_hex(b"other"),
        ] {
            let mut f = s.clone();
            f.content_sha256 = forged.to_string();
            assert_eq!(
                f.sealed(SignerRole::EndUser).unwrap_err().code(),
                "INVALID_INPUT",
                "{forged}"
            );
        }
    }

    #[test]
    fn the_strokes_hash_follows_the_ink_only() {
        let a = Signature::synthetic("Ana", SignerRole::EndUser, "m", "one", at(), 3);
        let mut b = Signature::synthetic("Bo", SignerRole::Technician, "n", "two", at(), 3);
        assert_eq!(a.strokes_sha256().unwrap(), b.strokes_sha256().unwrap());
        b.strokes[1][4].x += 0.001;
        assert_ne!(a.strokes_sha256().unwrap(), b.strokes_sha256().unwrap());
        let c = Signature::synthetic("Ana", SignerRole::EndUser, "m", "one", at(), 4);
        assert_ne!(a.strokes_sha256().unwrap(), c.strokes_sha256().unwrap());
    }

    #[test]
    fn signatures_stored_before_the_new_fields_still_read() {
        let old = serde_json::json!({
            "signer_name": "Ana", "role": "end_user", "meaning": "fix verified",
            "signed_at": "2026-03-02T10:00:00+01:00", "width": 400.0, "height": 150.0,
            "strokes": [[{"x": 1.0, "y": 2.0, "pressure": 0.5, "t": 0.0}]]
        });
        let s: Signature = serde_json::from_value(old).unwrap();
        assert_eq!(s.device_pixel_ratio, 1.0);
        assert_eq!(s.pad, PadOptions::default());
        assert!(s.content.is_empty());
    }
}
