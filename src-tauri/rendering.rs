//! Where WebKitGTK rasterizes the page, chosen before it starts.
//!
//! WebKit paints with Skia on the GPU. Without a GPU (a VM, a remote desktop, Xvfb) that "GPU" is
//! Mesa's software GL, which compiles its shaders with LLVM at every launch. Skia's CPU
//! rasterizer avoids that; measured back to back on the 100,000-ticket desk under Xvfb (same
//! release build): launch median 838 ms instead of 942, memory 306 MiB instead of 346, but click
//! to painted ticket median 121 ms instead of 61 (p95 equal, 168 ms). A technician opens tickets
//! all day and the app once, so WebKit's default stays; `TICKETFLOW_RASTER=cpu` picks the CPU
//! rasterizer where memory counts more (many remote-desktop sessions on one host). A
//! `WEBKIT_SKIA_ENABLE_CPU_RENDERING` the user set is left alone.

/// The override: `cpu` asks for Skia's CPU rasterizer; anything else keeps WebKit's default.
pub const OVERRIDE_VAR: &str = "TICKETFLOW_RASTER";
const WEBKIT_VAR: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Sets WebKit's switch for this process and the WebKit processes it starts. Call it first in
/// `run`, before any thread exists (the environment is process-wide).
pub fn choose_before_webkit_starts() {
    if !cfg!(target_os = "linux") || std::env::var_os(WEBKIT_VAR).is_some() {
        return;
    }
    if cpu_raster(std::env::var(OVERRIDE_VAR).ok().as_deref()) {
        std::env::set_var(WEBKIT_VAR, "1");
        eprintln!("ticketflow: WebKit rasterizes on the CPU ({OVERRIDE_VAR}=cpu)");
    }
}

fn cpu_raster(wanted: Option<&str>) -> bool {
    wanted.map(str::trim) == Some("cpu")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_explicit_cpu_asks_for_the_cpu_rasterizer() {
        assert!(cpu_raster(Some("cpu")));
        assert!(cpu_raster(Some(" cpu\n")));
        for other in [None, Some(""), Some("gpu"), Some("CPU-ish"), Some("auto")] {
            assert!(!cpu_raster(other), "{other:?}");
        }
    }
}
