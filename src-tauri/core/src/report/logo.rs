//! The desk's logo: a PNG or JPEG checked once when it is set, kept in the settings table, and
//! drawn at the top of every report.
//!
//! A logo is not a secret, but it is untrusted input: a file of any size or shape could arrive
//! from the file picker. It is refused (coded `LOGO_REJECTED`, with what to do instead) unless it
//! is small, of sane dimensions, and a PNG that decodes completely or a baseline/progressive
//! JPEG in grey or RGB (which PDF viewers draw as they are, without re-encoding).

use crate::error::{Error, Result};
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::io::Cursor;

/// Largest logo file accepted: a report logo is a few kilobytes; this leaves room for a detailed
/// one without bloating every PDF.
pub const LOGO_MAX_BYTES: usize = 512 * 1024;
/// Smallest and largest side in pixels: smaller prints as a smudge, larger only weighs.
pub const LOGO_MIN_SIDE: u32 = 16;
pub const LOGO_MAX_SIDE: u32 = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum LogoFormat {
    Png,
    Jpeg,
}

impl LogoFormat {
    pub fn mime(self) -> &'static str {
        match self {
            LogoFormat::Png => "image/png",
            LogoFormat::Jpeg => "image/jpeg",
        }
    }
}

/// A checked logo file.
#[derive(Clone, PartialEq, Eq)]
pub struct Logo {
    pub format: LogoFormat,
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Logo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Logo({:?}, {}×{}, {} bytes)",
            self.format,
            self.width,
            self.height,
            self.bytes.len()
        )
    }
}

/// What the window shows of the logo: its facts, and the file itself for the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ReportLogo {
    pub format: LogoFormat,
    /// "image/png" or "image/jpeg", for a data: URL.
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u32,
    pub data_base64: String,
}

/// Pixels ready for a PDF image: 8-bit grey or RGB samples, and an 8-bit alpha plane if the PNG
/// has transparency.
pub(crate) struct Pixels {
    pub rgb: bool,
    pub colour: Vec<u8>,
    pub alpha: Option<Vec<u8>>,
}

fn rejected(message: impl Into<String>) -> Error {
    Error::LogoRejected(message.into())
}

impl Logo {
    /// Checks a file as a logo: PNG or JPEG by its content (not its name), within the limits.
    pub fn parse(bytes: &[u8]) -> Result<Logo> {
        if bytes.is_empty() {
            return Err(rejected("the file is empty; choose a PNG or JPEG image"));
        }
        if bytes.len() > LOGO_MAX_BYTES {
            return Err(rejected(format!(
                "the file is {} KiB; a logo may be at most {} KiB (export a smaller PNG or JPEG)",
                bytes.len().div_ceil(1024),
                LOGO_MAX_BYTES / 1024
            )));
        }
        let (format, width, height) = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            let (w, h) = png_size(bytes)?;
            (LogoFormat::Png, w, h)
        } else if bytes.starts_with(&[0xFF, 0xD8]) {
            let (w, h) = jpeg_size(bytes)?;
            (LogoFormat::Jpeg, w, h)
        } else {
            return Err(rejected(
                "this is not a PNG or JPEG image; save the logo as .png or .jpg",
            ));
        };
        for side in [width, height] {
            if !(LOGO_MIN_SIDE..=LOGO_MAX_SIDE).contains(&side) {
                return Err(rejected(format!(
                    "the image is {width}×{height} pixels; each side must be from {LOGO_MIN_SIDE} \
                     to {LOGO_MAX_SIDE} pixels"
                )));
            }
        }
        let logo = Logo {
            format,
            width,
            height,
            bytes: bytes.to_vec(),
        };
        if format == LogoFormat::Png {
            // Decode it all once now, so a truncated or corrupt file is refused when it is set
            // rather than when a report is exported.
            logo.pixels()?;
        }
        Ok(logo)
    }

    /// The file as stored in the settings table.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.bytes)
    }

    /// A stored logo, checked again (the settings table is a file anyone could edit).
    pub fn from_base64(text: &str) -> Result<Logo> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| rejected("the stored logo is damaged; remove it and set it again"))?;
        Logo::parse(&bytes)
    }

    pub fn view(&self) -> ReportLogo {
        ReportLogo {
            format: self.format,
            mime: self.format.mime().into(),
            width: self.width,
            height: self.height,
            bytes: u32::try_from(self.bytes.len()).unwrap_or(u32::MAX),
            data_base64: self.to_base64(),
        }
    }

    /// A PNG's samples, split into colour and alpha for PDF (JPEGs are embedded as they are).
    pub(crate) fn pixels(&self) -> Result<Pixels> {
        let mut decoder = png::Decoder::new_with_limits(
            Cursor::new(&self.bytes[..]),
            png::Limits {
                bytes: 96 * 1024 * 1024,
            },
        );
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let damaged = |e: png::DecodingError| {
            rejected(format!(
                "the PNG could not be read ({e}); export it again from your image editor"
            ))
        };
        let mut reader = decoder.read_info().map_err(damaged)?;
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| rejected("the PNG is too large to decode"))?;
        let mut buf = vec![0; size];
        let info = reader.next_frame(&mut buf).map_err(damaged)?;
        buf.truncate(info.buffer_size());
        let (channels, rgb) = match info.color_type {
            png::ColorType::Grayscale => (1, false),
            png::ColorType::GrayscaleAlpha => (2, false),
            png::ColorType::Rgb => (3, true),
            png::ColorType::Rgba => (4, true),
            png::ColorType::Indexed => {
                return Err(rejected("the PNG's palette could not be expanded"));
            }
        };
        let has_alpha = channels == 2 || channels == 4;
        let colour_channels = if rgb { 3 } else { 1 };
        let mut colour = Vec::with_capacity(buf.len() / channels * colour_channels);
        let mut alpha = Vec::with_capacity(if has_alpha { buf.len() / channels } else { 0 });
        for px in buf.chunks_exact(channels) {
            colour.extend_from_slice(&px[..colour_channels]);
            if has_alpha {
                alpha.push(px[channels - 1]);
            }
        }
        // A fully opaque alpha plane adds nothing but bytes.
        let alpha = (has_alpha && alpha.iter().any(|a| *a != 255)).then_some(alpha);
        Ok(Pixels { rgb, colour, alpha })
    }

    /// Colour components of a JPEG (1 or 3; checked in `parse`).
    pub(crate) fn jpeg_components(&self) -> u8 {
        jpeg_frame(&self.bytes).map(|f| f.2).unwrap_or(3)
    }
}

/// Draws `logo` on page `page_id` in the box (x, y from the top, width, height; points) as an
/// image XObject appended to the page's content: JPEG samples as they are (DCTDecode), PNG
/// samples deflated with their alpha as a soft mask.
pub(crate) fn embed(
    doc: &mut lopdf::Document,
    page_id: lopdf::ObjectId,
    logo: &Logo,
    (x, y, w, h): (f32, f32, f32, f32),
    page_height: f32,
) -> Result<()> {
    use lopdf::{Dictionary, Object, Stream};
    let failed =
        |e: lopdf::Error| Error::ReportFailed(format!("the logo could not be placed: {e}"));
    let image_dict = |colour_space: &str, filter: Option<&str>| {
        let mut d = Dictionary::from_iter(vec![
            ("Type", Object::Name(b"XObject".to_vec())),
            ("Subtype", Object::Name(b"Image".to_vec())),
            ("Width", Object::Integer(i64::from(logo.width))),
            ("Height", Object::Integer(i64::from(logo.height))),
            ("ColorSpace", Object::Name(colour_space.as_bytes().to_vec())),
            ("BitsPerComponent", Object::Integer(8)),
        ]);
        if let Some(f) = filter {
            d.set("Filter", Object::Name(f.as_bytes().to_vec()));
        }
        d
    };
    let image = match logo.format {
        LogoFormat::Jpeg => {
            let space = if logo.jpeg_components() == 1 {
                "DeviceGray"
            } else {
                "DeviceRGB"
            };
            Stream::new(image_dict(space, Some("DCTDecode")), logo.bytes.clone())
                .with_compression(false)
        }
        LogoFormat::Png => {
            let px = logo.pixels()?;
            let space = if px.rgb { "DeviceRGB" } else { "DeviceGray" };
            let mut dict = image_dict(space, None);
            if let Some(alpha) = px.alpha {
                let mut mask = Stream::new(image_dict("DeviceGray", None), alpha);
                mask.compress().map_err(failed)?;
                let mask_id = doc.add_object(mask);
                dict.set("SMask", Object::Reference(mask_id));
            }
            let mut stream = Stream::new(dict, px.colour);
            stream.compress().map_err(failed)?;
            stream
        }
    };
    let image_id = doc.add_object(image);
    doc.add_xobject(page_id, "TfLogo", image_id)
        .map_err(failed)?;
    let ops = format!(
        "q {w:.3} 0 0 {h:.3} {x:.3} {:.3} cm /TfLogo Do Q\n",
        page_height - y - h
    );
    doc.add_page_contents(page_id, ops.into_bytes())
        .map_err(failed)?;
    Ok(())
}

fn png_size(bytes: &[u8]) -> Result<(u32, u32)> {
    // IHDR is always the first chunk: length, "IHDR", width, height (big-endian).
    if bytes.len() < 24 || &bytes[12..16] != b"IHDR" {
        return Err(rejected("the PNG has no image header; export it again"));
    }
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    Ok((be(16), be(20)))
}

/// Width, height and components from a JPEG's start-of-frame marker.
fn jpeg_frame(bytes: &[u8]) -> Result<(u32, u32, u8)> {
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return Err(rejected("the JPEG is damaged; export it again"));
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if len < 2 || i + 2 + len > bytes.len() {
            return Err(rejected("the JPEG is cut short; export it again"));
        }
        match marker {
            // Baseline, extended sequential and progressive Huffman frames: what PDF's DCTDecode
            // reads everywhere.
            0xC0..=0xC2 => {
                if len < 8 {
                    return Err(rejected("the JPEG's frame header is damaged"));
                }
                let seg = &bytes[i + 4..i + 2 + len];
                let height = u32::from(u16::from_be_bytes([seg[1], seg[2]]));
                let width = u32::from(u16::from_be_bytes([seg[3], seg[4]]));
                let components = seg[5];
                if seg[0] != 8 {
                    return Err(rejected(
                        "the JPEG uses 12-bit samples; save it as an ordinary 8-bit JPEG or PNG",
                    ));
                }
                if components != 1 && components != 3 {
                    return Err(rejected(
                        "the JPEG is not grey or RGB (CMYK?); save it as an RGB JPEG or a PNG",
                    ));
                }
                return Ok((width, height, components));
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(rejected(
                    "the JPEG uses a rare encoding PDF readers may not show; save it as an \
                     ordinary JPEG or PNG",
                ));
            }
            0xDA | 0xD9 => break,
            _ => i += 2 + len,
        }
    }
    Err(rejected("the JPEG has no image frame; export it again"))
}

fn jpeg_size(bytes: &[u8]) -> Result<(u32, u32)> {
    jpeg_frame(bytes).map(|(w, h, _)| (w, h))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A `w`×`h` RGBA PNG with a transparent left half.
    pub(crate) fn png_file(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, w, h);
            enc.set_color(png::ColorType::Rgba);
            enc.set_depth(png::BitDepth::Eight);
            let mut writer = enc.write_header().unwrap();
            let mut data = Vec::new();
            for _y in 0..h {
                for x in 0..w {
                    let a = if x < w / 2 { 0 } else { 255 };
                    data.extend_from_slice(&[18, 79, 110, a]);
                }
            }
            writer.write_image_data(&data).unwrap();
        }
        out
    }

    /// The smallest JPEG header that names a frame: SOI, SOF0 (w×h, `components`), SOS, EOI.
    pub(crate) fn jpeg_header(w: u16, h: u16, components: u8) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00];
        let len = 8 + 3 * u16::from(components);
        b.extend_from_slice(&[0xFF, 0xC0]);
        b.extend_from_slice(&len.to_be_bytes());
        b.push(8);
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&w.to_be_bytes());
        b.push(components);
        for c in 0..components {
            b.extend_from_slice(&[c + 1, 0x11, 0]);
        }
        b.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9]);
        b
    }

    fn code(r: Result<Logo>) -> String {
        r.map(|_| String::new())
            .unwrap_or_else(|e| format!("{}: {e}", e.code()))
    }

    #[test]
    fn a_png_is_decoded_and_split_into_colour_and_alpha() {
        let logo = Logo::parse(&png_file(40, 20)).unwrap();
        assert_eq!(
            (logo.format, logo.width, logo.height),
            (LogoFormat::Png, 40, 20)
        );
        let px = logo.pixels().unwrap();
        assert!(px.rgb);
        assert_eq!(px.colour.len(), 40 * 20 * 3);
        assert_eq!(px.alpha.as_ref().map(Vec::len), Some(40 * 20));
        let back = Logo::from_base64(&logo.to_base64()).unwrap();
        assert_eq!(back, logo);
    }

    #[test]
    fn a_grey_or_rgb_jpeg_is_taken_by_its_frame_header() {
        let logo = Logo::parse(&jpeg_header(300, 80, 3)).unwrap();
        assert_eq!(
            (logo.format, logo.width, logo.height),
            (LogoFormat::Jpeg, 300, 80)
        );
        assert_eq!(logo.jpeg_components(), 3);
        assert_eq!(
            Logo::parse(&jpeg_header(300, 80, 1))
                .unwrap()
                .jpeg_components(),
            1
        );
    }

    #[test]
    fn bad_files_are_refused_with_a_code_and_a_way_forward() {
        for (bytes, expect) in [
            (Vec::new(), "empty"),
            (b"GIF89a....".to_vec(), "not a PNG or JPEG"),
            (vec![0x89; LOGO_MAX_BYTES + 1], "at most 512 KiB"),
            (png_file(8, 8), "from 16 to 4096"),
            (png_file(20, 5000), "from 16 to 4096"),
            (jpeg_header(300, 80, 4), "CMYK"),
            (jpeg_header(300, 80, 3)[..12].to_vec(), "cut short"),
        ] {
            let got = code(Logo::parse(&bytes));
            assert!(got.starts_with("LOGO_REJECTED: "), "{got}");
            assert!(got.contains(expect), "{expect:?} not in {got}");
        }
        // A PNG cut in the middle of its pixels is caught when it is set, not at export.
        let mut cut = png_file(64, 64);
        cut.truncate(cut.len() - 20);
        assert!(code(Logo::parse(&cut)).starts_with("LOGO_REJECTED"));
        assert!(code(Logo::from_base64("not base64!")).contains("damaged"));
    }
}
