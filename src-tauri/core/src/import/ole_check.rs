//! A look at an XLS file's container (the OLE2 compound file) before calamine reads it: a file
//! cut short (an interrupted download, a half-copied attachment) is refused with
//! `IMPORT_FILE_DAMAGED` here, by arithmetic on the header, the sector table and the directory,
//! instead of reaching the parser, which indexes past the end of such a file (a panic that the
//! worker-thread guard would still contain, but only after the parser had failed).
//!
//! What is checked: the header is whole and names a known sector size; the sector table and
//! the directory lie in whole sectors inside the file; no sector past the end is in use and no
//! chain points past it; every stream's bytes (the workbook's among them) lie inside the file.
//! A last sector shorter than the others is allowed when nothing needed is in the missing part:
//! some writers leave the padding out. Anything subtler is the parser's to find.

use super::{codes, import_error};
use crate::error::Result;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

const HEADER: usize = 512;
/// Special sector ids: free; anything above `MAX_REGULAR` is a marker (end of chain, FAT, DIFAT).
const FREE: u32 = 0xFFFF_FFFF;
const MAX_REGULAR: u32 = 0xFFFF_FFFA;
/// Streams this short live in the mini stream (inside the root entry's stream).
const MINI_CUTOFF: u64 = 4096;
/// Directory entry types: a stream, the root (which holds the mini stream).
const STREAM: u8 = 2;
const ROOT: u8 = 5;

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

struct Container {
    file: std::fs::File,
    len: u64,
    sector: usize,
    /// Where sector 0 starts (a 4096-byte sector file pads its header to a whole sector).
    first: u64,
    /// Sectors wholly inside the file, and those at least partly inside.
    whole: u64,
    any: u64,
}

impl Container {
    fn offset(&self, id: u32) -> u64 {
        self.first + u64::from(id) * self.sector as u64
    }

    fn read_sector(&mut self, id: u32) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; self.sector];
        self.file.seek(SeekFrom::Start(self.offset(id)))?;
        self.file.read_exact(&mut buf)?;
        Ok(buf)
    }
}

/// `Ok(())` when `path` looks like a whole compound file; `IMPORT_FILE_DAMAGED` when it is cut
/// short or its tables point outside it.
pub(crate) fn check(path: &Path, name: &str) -> Result<()> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let cut = |what: &str| {
        import_error(
            codes::FILE_DAMAGED,
            format!(
                "{name} is cut short or damaged ({what}; the file has {len} bytes): copy or download it again, or export it as CSV"
            ),
        )
    };
    let mut header = [0u8; HEADER];
    if len < HEADER as u64 {
        return Err(cut("no whole header"));
    }
    file.read_exact(&mut header)?;
    let sector = match u16_at(&header, 30) {
        9 => 512usize,
        12 => 4096usize,
        _ => return Err(cut("unknown sector size")),
    };
    let first = sector.max(HEADER) as u64;
    if len < first {
        return Err(cut("no whole header"));
    }
    let whole = (len - first) / sector as u64;
    let any = (len - first).div_ceil(sector as u64);
    let mut c = Container {
        file,
        len,
        sector,
        first,
        whole,
        any,
    };

    // The FAT's own sectors: 109 in the header, the rest in a chain of DIFAT sectors.
    let fat_len = u32_at(&header, 44) as usize;
    let mut fat_sectors: Vec<u32> = (0..109)
        .map(|i| u32_at(&header, 76 + 4 * i))
        .filter(|id| *id <= MAX_REGULAR)
        .collect();
    let mut difat = u32_at(&header, 68);
    let mut followed = 0u64;
    while difat <= MAX_REGULAR && fat_sectors.len() < fat_len {
        followed += 1;
        if u64::from(difat) >= c.whole || followed > c.whole {
            return Err(cut("the sector table's index points past the end"));
        }
        let block = c.read_sector(difat)?;
        let per = sector / 4 - 1;
        fat_sectors.extend(
            (0..per)
                .map(|i| u32_at(&block, 4 * i))
                .filter(|id| *id <= MAX_REGULAR),
        );
        difat = u32_at(&block, 4 * per);
    }
    if fat_sectors.is_empty() {
        return Err(cut("no sector table"));
    }
    let mut fat: Vec<u32> = Vec::with_capacity(fat_sectors.len() * sector / 4);
    for id in fat_sectors {
        if u64::from(id) >= c.whole {
            return Err(cut("the sector table lies past the end"));
        }
        let block = c.read_sector(id)?;
        fat.extend((0..sector / 4).map(|i| u32_at(&block, 4 * i)));
    }
    for (index, next) in fat.iter().enumerate() {
        if *next != FREE && index as u64 >= c.any {
            return Err(cut("sectors past the end are in use"));
        }
        if *next <= MAX_REGULAR && u64::from(*next) >= c.any {
            return Err(cut("a chain points past the end"));
        }
    }

    // The directory, in whole sectors; then every stream's bytes must lie inside the file.
    let any = c.any;
    let chain = |start: u32| -> Vec<u32> {
        let mut ids = Vec::new();
        let mut id = start;
        // A loop in a damaged chain ends after as many steps as the file has sectors.
        while id <= MAX_REGULAR && (ids.len() as u64) < any {
            ids.push(id);
            id = fat.get(id as usize).copied().unwrap_or(FREE);
        }
        ids
    };
    let mut entries = Vec::new();
    for id in chain(u32_at(&header, 48)) {
        if u64::from(id) >= c.whole {
            return Err(cut("the directory lies past the end"));
        }
        entries.extend(c.read_sector(id)?.chunks_exact(128).map(<[u8]>::to_vec));
    }
    if entries.is_empty() {
        return Err(cut("no directory"));
    }
    for entry in &entries {
        let kind = entry[66];
        let size = u64::from(u32_at(entry, 120));
        if !(kind == ROOT || (kind == STREAM && size >= MINI_CUTOFF)) || size == 0 {
            continue;
        }
        let ids = chain(u32_at(entry, 116));
        let needed = size.div_ceil(sector as u64);
        if (ids.len() as u64) < needed {
            return Err(cut("a stream ends before its size"));
        }
        let last = ids[needed as usize - 1];
        let tail = size - (needed - 1) * sector as u64;
        if c.offset(last) + tail > c.len {
            return Err(cut("a stream runs past the end"));
        }
    }
    Ok(())
}
