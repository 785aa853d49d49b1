//! Fuzzing the command line: random subcommands, flags and values. Every run ends with a
//! documented exit code (0 to 4), a refusal says `error[CODE]` or is a usage message, and
//! nothing panics. (`demo-data` is left out: a fuzzed run could ask it for a million tickets; its
//! inputs are covered in tests/cli.rs.)

use proptest::prelude::*;
use std::process::Command;

fn arg() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("verify-audit".to_string()),
        Just("backup".to_string()),
        Just("export-report".to_string()),
        Just("export-root-cert".to_string()),
        Just("verify-report".to_string()),
        Just("report-settings".to_string()),
        Just("qbr".to_string()),
        Just("--client".to_string()),
        Just("--from".to_string()),
        Just("--to".to_string()),
        Just("--csv".to_string()),
        Just("2026-01-01".to_string()),
        Just("--tickets".to_string()),
        Just("--seed".to_string()),
        Just("--anchor".to_string()),
        Just("--out".to_string()),
        Just("--paper".to_string()),
        Just("--msp-name".to_string()),
        Just("T-000001".to_string()),
        Just("-1".to_string()),
        Just("99999999999999999999".to_string()),
        Just("2026-13-45T99:00:00Z".to_string()),
        "[a-zA-Z0-9_./-]{0,12}",
        "[^\\x00]{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_command_line_ends_with_a_documented_exit(args in prop::collection::vec(arg(), 0..6)) {
        let dir = tempfile::tempdir().expect("tmp");
        // Never let a fuzzed `--out` or `backup` path escape the sandbox.
        let out = Command::new(env!("CARGO_BIN_EXE_ticketflow-cli"))
            .current_dir(dir.path())
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(&args)
            .env("HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path())
            .env("TICKETFLOW_KEYSTORE", "none")
            .output()
            .expect("runs");
        let code = out.status.code().expect("exited, not killed by a signal");
        let stderr = String::from_utf8_lossy(&out.stderr);
        prop_assert!([0, 1, 2, 3, 4].contains(&code), "{args:?}: exit {code}: {stderr}");
        prop_assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        if code == 3 {
            prop_assert!(stderr.contains("error["), "{args:?}: uncoded error: {stderr}");
        }
    }
}
