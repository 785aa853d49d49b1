//! Text encodings of exported CSVs: UTF-8 (with or without a BOM), UTF-16 (Excel's "Unicode
//! text", with a BOM or recognized by its zero bytes) and Windows-1252 (Excel's "CSV" on a
//! Western Windows, where "Müller" is one byte 0xFC).
//!
//! The choice is made once per file by [`sniff`] and kept in the plan, then [`DecodeReader`]
//! turns the bytes into UTF-8 as they stream by (encoding_rs's decoders), so the CSV parser only
//! ever sees UTF-8.

use super::{codes, import_error};
use crate::error::Result;
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use std::io::{self, Read};

/// Bytes read by each step of the decoder and of the UTF-8 check.
const CHUNK: usize = 64 * 1024;

/// The encoding of a text file: a BOM decides; else zero bytes in the first bytes mean UTF-16;
/// else UTF-8 if the whole file is valid UTF-8 (read once, in chunks), else Windows-1252.
pub(crate) fn sniff(mut file: impl Read, name: &str) -> Result<&'static Encoding> {
    let mut head = vec![0u8; CHUNK];
    let got = read_full(&mut file, &mut head)?;
    head.truncate(got);
    if let Some((encoding, _)) = Encoding::for_bom(&head) {
        return Ok(encoding);
    }
    if let Some(encoding) = utf16_without_bom(&head) {
        return Ok(encoding);
    }
    if head.contains(&0) {
        return Err(import_error(
            codes::FORMAT_UNKNOWN,
            format!("{name} is not a text file (it holds zero bytes): export it as CSV or XLSX"),
        ));
    }
    // Whole-file UTF-8 check: a Windows-1252 umlaut may first appear far down the file.
    let mut pending = head;
    let mut buf = vec![0u8; CHUNK];
    loop {
        let valid = match std::str::from_utf8(&pending) {
            Ok(_) => pending.len(),
            Err(e) if e.error_len().is_some() => return Ok(WINDOWS_1252),
            Err(e) => e.valid_up_to(),
        };
        pending.drain(..valid);
        let n = read_full(&mut file, &mut buf)?;
        if n == 0 {
            // A sequence cut off by the end of the file is not UTF-8.
            return Ok(if pending.is_empty() {
                UTF_8
            } else {
                WINDOWS_1252
            });
        }
        pending.extend_from_slice(&buf[..n]);
    }
}

/// UTF-16 without a BOM: ASCII text has a zero in every other byte.
fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zeros_at = |offset: usize| {
        head.iter()
            .skip(offset)
            .step_by(2)
            .take(pairs)
            .filter(|b| **b == 0)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    // Most of the text is ASCII in these exports: demand zeros in over half the pairs on one
    // side and almost none on the other.
    if odd * 2 > pairs && even * 20 < pairs {
        Some(UTF_16LE)
    } else if even * 2 > pairs && odd * 20 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn read_full(file: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// The encoding named in a plan.
pub(crate) fn by_name(name: &str) -> Option<&'static Encoding> {
    Encoding::for_label(name.as_bytes())
}

/// Decodes a byte stream into UTF-8 as it is read. A BOM is removed; bytes that are not valid
/// in the encoding become U+FFFD (the row still reads and the replacement shows in the preview).
pub(crate) struct DecodeReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    start: usize,
    end: usize,
    output: Vec<u8>,
    out_start: usize,
    out_end: usize,
    eof: bool,
    finished: bool,
}

impl<R: Read> DecodeReader<R> {
    pub(crate) fn new(inner: R, encoding: &'static Encoding) -> Self {
        DecodeReader {
            inner,
            // BOM sniffing on: a UTF-8 BOM is dropped, a UTF-16 BOM is dropped.
            decoder: encoding.new_decoder(),
            input: vec![0; CHUNK],
            start: 0,
            end: 0,
            output: vec![0; CHUNK * 3 + 16],
            out_start: 0,
            out_end: 0,
            eof: false,
            finished: false,
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        while self.out_start == self.out_end && !self.finished {
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = 0;
                match self.inner.read(&mut self.input) {
                    Ok(0) => self.eof = true,
                    Ok(n) => self.end = n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            }
            let (result, read, written, _) = self.decoder.decode_to_utf8(
                &self.input[self.start..self.end],
                &mut self.output,
                self.eof,
            );
            self.start += read;
            self.out_start = 0;
            self.out_end = written;
            if self.eof && self.start == self.end && result == encoding_rs::CoderResult::InputEmpty
            {
                self.finished = true;
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for DecodeReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.fill()?;
        let n = (self.out_end - self.out_start).min(buf.len());
        buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
        self.out_start += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> String {
        let encoding = sniff(bytes, "t.csv").unwrap();
        let mut out = String::new();
        DecodeReader::new(bytes, encoding)
            .read_to_string(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn utf8_bom_is_dropped() {
        assert_eq!(sniff(&b"\xEF\xBB\xBFName\r\n"[..], "t").unwrap(), UTF_8);
        assert_eq!(
            decode(b"\xEF\xBB\xBFName,M\xC3\xBCller\r\n"),
            "Name,Müller\r\n"
        );
    }

    #[test]
    fn windows_1252_umlaut_far_down_the_file_is_found() {
        let mut bytes = b"Name\r\n".repeat(20_000);
        bytes.extend_from_slice(b"M\xFCller\r\n");
        assert_eq!(sniff(&bytes[..], "t").unwrap(), WINDOWS_1252);
        assert!(decode(&bytes).ends_with("Müller\r\n"));
    }

    #[test]
    fn utf16le_with_and_without_bom() {
        let text = "Name,Ort\r\nMüller,Köln\r\n";
        let mut with_bom = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            with_bom.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&with_bom), text);
        assert_eq!(decode(&with_bom[2..]), text);
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(sniff(&be[..], "t").unwrap(), UTF_16BE);
        assert_eq!(decode(&be), text);
    }

    #[test]
    fn binary_junk_is_not_text() {
        // A PNG's signature and first chunk header: zero bytes, but not in a UTF-16 pattern.
        let junk = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0";
        let err = sniff(&junk[..], "junk.csv").unwrap_err();
        assert_eq!(err.code(), codes::FORMAT_UNKNOWN);
    }

    #[test]
    fn truncated_utf8_sequence_at_end_is_not_utf8() {
        assert_eq!(sniff(&b"Name\r\nM\xC3"[..], "t").unwrap(), WINDOWS_1252);
    }
}
