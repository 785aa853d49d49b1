//! Where WebKitGTK rasterizes the page, decided before it starts.
//!
//! WebKit paints web content with Skia on the GPU by default. Without a GPU (a VM, a remote
//! desktop session, Xvfb) that "GPU" is Mesa's software rasterizer, which compiles its shaders
//! with LLVM at every launch and then emulates the GPU on the CPU: a profile of one launch on the
//! 100,000-ticket desk spent a fifth of all CPU time in LLVM. So where no GPU render node exists,
//! Ticketflow asks for Skia's CPU rasterizer instead (compositing stays on: WebKit's
//! non-composited path costs ~280 ms per typed key here). `TICKETFLOW_RASTER=gpu|cpu` overrides
//! the choice, and a `WEBKIT_SKIA_ENABLE_CPU_RENDERING` the user set is left alone.

use std::path::Path;

/// The override: `gpu` or `cpu`; anything else (or nothing) lets the machine decide.
pub const OVERRIDE_VAR: &str = "TICKETFLOW_RASTER";
const WEBKIT_VAR: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Sets WebKit's switch for this process and the WebKit processes it starts. Call it first in
/// `run`, before any thread exists (the environment is process-wide).
pub fn choose_before_webkit_starts() {
    if !cfg!(target_os = "linux") || std::env::var_os(WEBKIT_VAR).is_some() {
        return;
    }
    let wanted = std::env::var(OVERRIDE_VAR).ok();
    if !gpu_raster(wanted.as_deref(), Path::new("/dev/dri")) {
        std::env::set_var(WEBKIT_VAR, "1");
        eprintln!("ticketflow: WebKit rasterizes on the CPU (no GPU render node, or {OVERRIDE_VAR}=cpu)");
    }
}

/// Whether to rasterize on the GPU: as overridden, else only with a GPU render node in `dri`.
fn gpu_raster(wanted: Option<&str>, dri: &Path) -> bool {
    match wanted {
        Some("gpu") => true,
        Some("cpu") => false,
        _ => has_render_node(dri),
    }
}

/// A DRM render node (`renderD128`, …) is how a GPU offers rendering to unprivileged processes.
fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_render_node_webkit_rasterizes_on_the_cpu() {
        let dri = tempfile::tempdir().expect("tmp");
        std::fs::write(dri.path().join("card0"), b"").expect("card0");
        assert!(!gpu_raster(None, dri.path()));
        assert!(!gpu_raster(None, &dri.path().join("missing")));
    }

    #[test]
    fn a_render_node_means_a_gpu_and_gpu_raster() {
        let dri = tempfile::tempdir().expect("tmp");
        std::fs::write(dri.path().join("renderD128"), b"").expect("node");
        assert!(gpu_raster(None, dri.path()));
        assert!(gpu_raster(Some("auto"), dri.path()));
    }

    #[test]
    fn the_override_wins_either_way() {
        let gpu = tempfile::tempdir().expect("tmp");
        std::fs::write(gpu.path().join("renderD128"), b"").expect("node");
        let none = tempfile::tempdir().expect("tmp");
        assert!(!gpu_raster(Some("cpu"), gpu.path()));
        assert!(gpu_raster(Some("gpu"), none.path()));
    }
}
