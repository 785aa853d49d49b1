"""The desk's logo and the report appendix in the Settings screen: a logo set (here with the CLI,
since the native file picker cannot be driven) shows as a preview with its size and can be
removed; the appendix checkbox is saved like the other settings."""

import struct
import subprocess
import zlib

from tfwindow import query_db


def png_file(path, w=96, h=32):
    rows = b"".join(b"\x00" + bytes([18, 79, 110]) * w for _ in range(h))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def setting(desk, key):
    rows = query_db(desk.sandbox.db, "SELECT value FROM settings WHERE key = ?", (key,))
    return rows[0][0] if rows else None


def test_the_logo_previews_and_is_removed_and_the_appendix_is_saved(desk, cli_bin):
    logo = desk.sandbox.root / "logo.png"
    png_file(logo)
    subprocess.run([str(cli_bin), "--data-dir", str(desk.sandbox.tf_data), "report-settings",
                    "--logo", str(logo)], check=True, capture_output=True)
    page = desk.launch()
    page.click("nav-reports")
    page.wait_hash(r"^#/reports$")
    page.wait("report-settings")
    preview = page.wait("report-logo-preview")
    assert preview.get_attribute("src").startswith("data:image/png;base64,")
    assert "96 × 32 px" in page.find("report-logo").text

    box = page.find("report-appendix")
    assert box.is_selected(), "the appendix is printed by default"
    box.click()
    page.click("report-settings-save")
    page.wait("report-settings-saved")
    assert setting(desk, "report.include_appendix") == "false"

    page.click("report-logo-remove")
    page.wait("report-logo-none")
    assert setting(desk, "report.logo") is None
    assert not page.errors(), page.errors()
