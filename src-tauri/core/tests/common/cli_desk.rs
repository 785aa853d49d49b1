//! A set-up desk in its own data directory for running `ticketflow-cli` against, with a
//! sandboxed HOME (also the working directory, where the tests' files go). Included by path
//! (`#[path = "common/cli_desk.rs"] mod cli_desk;`); a test adds its own helpers in an `impl
//! CliDesk` block of its own.
#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use rusqlite::Connection;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use tempfile::TempDir;
use ticketflow_core::directory::{NewTechnician, TechTier};
use ticketflow_core::store::{DeskSetup, Store};

pub const BIN: &str = env!("CARGO_BIN_EXE_ticketflow-cli");
/// The desk's current technician.
pub const TECH: &str = "Rae Quill";

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub struct CliDesk {
    pub home: TempDir,
    pub dir: TempDir,
}

impl CliDesk {
    pub fn new(desk_name: &str) -> CliDesk {
        let dir = TempDir::new().unwrap();
        let mut store = Store::open(&dir.path().join(ticketflow_core::paths::DB_FILE)).unwrap();
        store
            .set_up_desk(
                &DeskSetup {
                    desk_name: desk_name.into(),
                    time_zone: "UTC".into(),
                    technician: NewTechnician {
                        name: TECH.into(),
                        tier: TechTier::Tier1,
                        email: None,
                        on_call: false,
                    },
                },
                "482913",
                Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
            )
            .unwrap();
        CliDesk {
            home: TempDir::new().unwrap(),
            dir,
        }
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let o = Command::new(BIN)
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(args)
            .env_remove(ticketflow_core::paths::DATA_DIR_ENV)
            .env("HOME", self.home.path())
            .env("XDG_DATA_HOME", self.home.path().join("xdg"))
            .current_dir(self.home.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        Run {
            code: o.status.code().expect("the CLI was killed by a signal"),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Where a file named `name` goes (in HOME).
    pub fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    /// Writes `text` to a file named `name` in HOME.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    pub fn store(&self) -> Store {
        Store::open(&self.dir.path().join(ticketflow_core::paths::DB_FILE)).unwrap()
    }

    /// A plain SQLite connection to the desk's file, for counting what a command wrote.
    pub fn sql(&self) -> Connection {
        Connection::open(self.dir.path().join(ticketflow_core::paths::DB_FILE)).unwrap()
    }
}
