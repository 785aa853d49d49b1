//! What one PIN check costs: argon2id with the parameters every PIN set in the app uses
//! (`Argon2::default()`: 19 MiB, 2 passes, 1 lane), alone and as `Store::verify_pin` does it (the
//! IMMEDIATE transaction, the comparison, and for a miss the count and its audit event written
//! with synchronous=FULL). Prints the median of RUNS checks of each (default 20), and what that
//! means for guessing every six-digit PIN offline on one core.
//!
//! `cargo run --release -p ticketflow-core --example pin_check_cost -- [RUNS]`

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, Utc};
use std::time::Instant;
use ticketflow_core::directory::{NewTechnician, TechTier};
use ticketflow_core::store::{DeskSetup, Store};

fn median_ms(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: usize = std::env::args()
        .nth(1)
        .map(|r| r.parse())
        .transpose()?
        .unwrap_or(20);
    let pin = "246813";

    // argon2id alone.
    let argon = Argon2::default();
    let salt = SaltString::generate(&mut rand_core::OsRng);
    let phc = argon
        .hash_password(pin.as_bytes(), &salt)
        .map_err(|e| e.to_string())?
        .to_string();
    let parsed = PasswordHash::new(&phc).map_err(|e| e.to_string())?;
    let mut alone = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let wrong = argon.verify_password(b"000000", &parsed).is_ok();
        alone.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(!wrong);
    }

    // Store::verify_pin on a desk file: a right PIN, and a miss (each miss a day apart, so no
    // pause stands in the way; the counter is reset by a right PIN before it reaches the cap).
    let dir = tempfile::tempdir()?;
    let mut store = Store::open(&dir.path().join("desk.db"))?;
    let t0 = Utc::now();
    store.set_up_desk(
        &DeskSetup {
            desk_name: "Timing desk".into(),
            time_zone: "UTC".into(),
            technician: NewTechnician {
                name: "Alex".into(),
                tier: TechTier::Tier1,
                email: None,
                on_call: false,
            },
        },
        pin,
        t0,
    )?;
    let (mut right, mut miss) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for i in 0..runs {
        let at = t0 + Duration::days(i as i64 + 1);
        let t = Instant::now();
        let refused = store.verify_pin("Alex", "000000", at).is_err();
        miss.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(refused);
        let t = Instant::now();
        store.verify_pin("Alex", pin, at)?;
        right.push(t.elapsed().as_secs_f64() * 1e3);
    }

    let a = median_ms(alone);
    println!(
        "runs: {runs} each; {} (params in the hash)",
        phc.split('$').nth(3).unwrap_or("?")
    );
    println!("argon2id verify alone:            median {a:.1} ms");
    println!(
        "Store::verify_pin, right PIN:     median {:.1} ms",
        median_ms(right)
    );
    println!(
        "Store::verify_pin, wrong PIN:     median {:.1} ms",
        median_ms(miss)
    );
    let days = 1e6 * a / 1e3 / 86_400.0;
    println!(
        "every 6-digit PIN offline on one core: {:.1} days (4 digits: {:.1} min)",
        days,
        1e4 * a / 1e3 / 60.0
    );
    Ok(())
}
