//! Every client's pack for a period into a folder, on every core, watched and stoppable: the
//! same loop as a batch of closure reports ([`crate::report::run_batch`]).

use super::save_qbr_pack;
use crate::directory::Company;
use crate::error::Result;
use crate::report::{run_batch, safe_file_name, BatchControl, BatchSummary};
use crate::signing::Identity;
use crate::store::Store;
use chrono::{DateTime, NaiveDate, Utc};
use std::path::Path;

/// The file a client's pack gets in a batch folder: `QBR <client> <from> to <to>.pdf` with the
/// name made safe (letters, digits, '-' and '_'), and the client's id when two names would
/// otherwise give the same file.
pub fn qbr_file_name(client: &Company, from: NaiveDate, to: NaiveDate, clash: bool) -> String {
    let name = safe_file_name(client.name.trim());
    if clash {
        format!("QBR_{name}_{}_{from}_to_{to}.pdf", client.id)
    } else {
        format!("QBR_{name}_{from}_to_{to}.pdf")
    }
}

/// Writes one signed pack per client in `clients` into `out_dir` ([`qbr_file_name`]), on
/// `threads` worker threads (0: one per core), each with its own connection to the desk at
/// `db_path`. A checkpoint covering the desk's history is taken first (once, with `identity`),
/// so every pack carries the same anchor. Progress and failures name the client.
#[allow(clippy::too_many_arguments)]
pub fn export_qbr_batch(
    db_path: &Path,
    clients: &[Company],
    from: NaiveDate,
    to: NaiveDate,
    out_dir: &Path,
    identity: &Identity,
    now: DateTime<Utc>,
    threads: usize,
    control: &BatchControl<'_>,
) -> Result<BatchSummary> {
    std::fs::create_dir_all(out_dir)?;
    let anchor = Store::open(db_path)?.checkpointed_history(identity, now)?;
    let names: Vec<String> = clients
        .iter()
        .map(|c| safe_file_name(c.name.trim()))
        .collect();
    run_batch(
        db_path,
        clients,
        threads,
        control,
        |c| c.name.clone(),
        |store, client| {
            let clash = names
                .iter()
                .filter(|n| **n == safe_file_name(client.name.trim()))
                .count()
                > 1;
            let mut input = store.qbr_pack_input(Some(client.id), from, to, now)?;
            input.anchor = anchor.clone();
            let path = out_dir.join(qbr_file_name(client, from, to, clash));
            Ok(save_qbr_pack(&input, identity, now, &path)?.bytes)
        },
    )
}
