"""Import and export in the real window (issue 16), from an EMPTY data directory set up through the
window: the Autotask fixtures (companies, then contacts) are recognized from their header rows,
one mapping is edited and the preview follows the core's re-read, a dry run counts and lists the
refused rows (saved as an error file), the import runs with its progress bar, the contacts are in
the Directory (the inactive one not authorized), the records export, the import is undone, and a
long import shows rows/s and an ETA and is cancelled with nothing written.

Native dialogs cannot be driven: only the dialog plugin's answers are given, where Tauri's IPC
meets the page (the fetch of `plugin:dialog|open` / `|save`), as test_qbr.py does; every other
call goes through as it would. Screenshots at 1024x700 go to artifacts/e2e/screenshots/."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from flows import query_db, set_up_desk
from selenium.webdriver.support.ui import Select

FIXTURES = Path(__file__).resolve().parents[2] / "src-tauri/core/tests/fixtures/import"
PIN = "493817"


def answer_dialogs(page) -> None:
    """Makes the dialog plugin answer from `window.__dialogAnswers` (one per call, in order)."""
    shimmed = page.d.execute_script(
        """const realFetch = window.fetch.bind(window);
        window.__dialogAnswers = [];
        window.__dialogAsked = [];
        window.fetch = (url, init) => {
          const u = decodeURIComponent(String(url));
          const m = u.match(/plugin:dialog\\|(open|save)$/);
          if (m) {
            window.__dialogAsked.push(m[1]);
            const answer = window.__dialogAnswers.shift() ?? null;
            return Promise.resolve(new Response(JSON.stringify(answer), {
              headers: { "Tauri-Response": "ok", "Content-Type": "application/json" } }));
          }
          return realFetch(url, init);
        };
        return window.fetch !== realFetch;""")
    assert shimmed, "the dialogs could not be answered"


def call(page, command: str, args: dict) -> dict:
    """A shell command called from the page, outside the screen: {ok: value} or {code, message}."""
    return page.d.execute_async_script(
        """const [command, args, done] = arguments;
        window.__TAURI_INTERNALS__.invoke(command, args)
          .then((ok) => done({ok}), (e) => done({code: e && e.code, message: e && e.message}));""",
        command, args)


def next_answer(page, answer) -> None:
    page.d.execute_script("window.__dialogAnswers.push(arguments[0])", answer)


def set_up(page) -> None:
    set_up_desk(page, "Northwind IT Services", "Avery Quinn", PIN, email="avery@northwind.example")


def table_tab(page, kind: str):
    return next(t for t in page.find_all("import-table") if t.get_attribute("data-kind") == kind)


def map_row(page, column: str):
    return next(r for r in page.find_all("import-map-row") if r.get_attribute("data-column") == column)


def preview_texts(page) -> list[str]:
    return [page.text(r) for r in page.find_all("import-preview-row")]


def counts(page) -> dict[str, int]:
    el = page.find("import-counts")
    return {k: int(el.get_attribute(f"data-{k}")) for k in ("created", "updated", "skipped", "refused")}


def test_autotask_files_are_mapped_previewed_dry_run_imported_undone_and_exported(
        desk_factory, tmp_path):
    desk = desk_factory(demo=False)
    page = desk.launch(wait_for_queue=False)
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    desk.driver.set_window_size(1024, 700)
    set_up(page)
    answer_dialogs(page)

    # -- The Import screen, from the Directory ----------------------------------------------------
    page.click("nav-directory")
    page.click("directory-import")
    page.wait("import-screen")
    page.wait_hash(r"#/import")
    next_answer(page, [str(FIXTURES / "autotask/companies.csv"),
                       str(FIXTURES / "autotask/contacts.csv")])
    page.click("import-choose")
    page.until(lambda: len(page.find_all("import-table")) == 2,
               message=lambda: f"the files were not read: {page.errors()}")
    assert page.d.execute_script("return window.__dialogAsked") == ["open"]
    tabs = page.find_all("import-table")
    # Companies first (contacts find them then), both recognized as Autotask from the headers.
    assert [t.get_attribute("data-kind") for t in tabs] == ["companies", "contacts"]
    assert [t.get_attribute("data-source") for t in tabs] == ["autotask", "autotask"]
    assert page.find("import-source").get_attribute("data-source") == "autotask"

    # -- The contacts' mapping: unknown columns listed, one edited ----------------------------------
    table_tab(page, "contacts").click()
    page.until(lambda: page.find("import-kind").get_attribute("data-kind") == "contacts")
    unknown = [page.text(c) for c in page.find_all("import-unknown-column")]
    assert "Address 1" in unknown, unknown
    phone = Select(page.find("import-map-field", map_row(page, "Phone")))
    assert phone.first_selected_option.get_attribute("value") == "phone"
    page.until(lambda: any("Dana Reyes" in t for t in preview_texts(page)),
               message=lambda: f"no preview: {page.errors()}")
    assert any("+1 555 0101" in t for t in preview_texts(page)), preview_texts(page)
    # Leave Phone out: the core re-reads the file, Phone joins the unknown columns, the
    # preview has no phone any more.
    phone.select_by_value("")
    page.until(lambda: "Phone" in [page.text(c) for c in page.find_all("import-unknown-column")],
               message=lambda: f"the mapping was not re-read: {page.errors()}")
    page.until(lambda: not any("+1 555 0101" in t for t in preview_texts(page)),
               message=lambda: preview_texts(page))
    rows = {r.get_attribute("data-line"): r for r in page.find_all("import-preview-row")}
    lee = next(r for r in rows.values() if "Lee Park" in page.text(r))
    cells = [page.text(c) for c in lee.find_elements("css selector", "td")]
    # Line, name, company, e-mail, phone, authorized, terminated on: inactive in Autotask.
    assert cells[5] == "no", cells
    # A row that cannot be stored says why, in the preview already.
    problems = page.find_all("import-preview-problem")
    assert any(p.get_attribute("data-code") == "IMPORT_EMAIL_INVALID" for p in problems), \
        [p.get_attribute("data-code") for p in problems]
    page.screenshot(shots / "import-mapping-preview-1024x700.png")

    # -- A required field left without a column is flagged, and nothing can run until mapped -----
    table_tab(page, "companies").click()
    page.until(lambda: page.find("import-kind").get_attribute("data-kind") == "companies")
    Select(page.find("import-map-field", map_row(page, "Name"))).select_by_value("")
    page.until(lambda: [li.get_attribute("data-field") for li in
                        page.find("import-missing").find_elements("css selector", "li")] == ["name"],
               message=lambda: page.errors())
    assert table_tab(page, "companies").get_attribute("data-ready") == "false"
    assert not page.find("import-start").is_enabled()
    assert not page.find("import-dry-run").is_enabled()
    Select(page.find("import-map-field", map_row(page, "Name"))).select_by_value("name")
    page.until(lambda: not page.find_all("import-missing"), message=lambda: page.errors())
    page.wait_enabled("import-start")
    table_tab(page, "contacts").click()
    page.until(lambda: "Phone" in [page.text(c) for c in page.find_all("import-unknown-column")])

    # -- Dry run: counts and refused rows, nothing written -----------------------------------------
    page.click("import-dry-run")
    page.until(lambda: page.find_all("import-counts"), timeout=60,
               message=lambda: page.errors())
    assert page.find("import-counts").get_attribute("data-dry-run") == "true"
    dry = counts(page)
    assert dry["created"] > 0 and dry["refused"] > 0, dry
    refused = page.find_all("import-refused-row")
    assert len(refused) == dry["refused"]
    assert all(r.get_attribute("data-code") for r in refused)
    assert query_db(desk.sandbox.db, "SELECT COUNT(*) FROM companies")[0][0] == 0
    # The error file: the input's columns plus `error`, one line per refused row.
    errors = tmp_path / "import-errors.csv"
    next_answer(page, str(errors))
    page.click("import-save-errors")
    page.wait("import-errors-saved")
    written = sorted(tmp_path.glob("import-errors*.csv"))
    assert written, list(tmp_path.iterdir())
    lines = 0
    for f in written:
        table = list(csv.reader(io.StringIO(f.read_text(encoding="utf-8"))))
        assert table[0][-1] == "error"
        lines += len(table) - 1
    assert lines == dry["refused"]
    page.d.execute_script("arguments[0].scrollIntoView({block: 'start'})", page.find("import-counts"))
    page.screenshot(shots / "import-dry-run-1024x700.png")

    # -- The import: the same counts, as one batch --------------------------------------------------
    page.click("import-start")
    page.until(lambda: page.find("import-counts").get_attribute("data-dry-run") == "false",
               timeout=120, message=lambda: page.errors())
    assert counts(page) == dry
    batch = page.find("import-counts").get_attribute("data-batch")
    assert batch
    bar = page.find("import-progress")
    assert bar.get_attribute("data-state") == "done"
    assert int(bar.get_attribute("data-done")) > 0
    assert "rows/s" in page.text(page.find("import-progress-text"))
    page.until(lambda: any(b.get_attribute("data-batch") == batch
                           for b in page.find_all("import-batch")))
    page.d.execute_script("arguments[0].scrollIntoView({block: 'start'})", page.find("import-progress"))
    page.screenshot(shots / "import-done-1024x700.png")

    # -- The contacts are in the Directory; the inactive one is not authorized ---------------------
    page.click("import-open-directory")
    page.until(lambda: any("Acme Dental, LLC" in page.text(r) for r in page.find_all("company-row")))
    next(r for r in page.find_all("company-row") if "Acme Dental, LLC" in page.text(r)).click()
    page.until(lambda: any("Lee Park" in page.text(r) for r in page.find_all("contact-row")),
               message=lambda: f"the contacts are not there: {page.errors()}")
    by_name = {page.text(r.find_element("css selector", "strong")): page.text(r)
               for r in page.find_all("contact-row")}
    assert "Not authorized" in by_name["Lee Park"], by_name
    assert "Not authorized" not in by_name["Dana Reyes"], by_name
    lee_row = next(r for r in page.find_all("contact-row") if "Lee Park" in page.text(r))
    page.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", lee_row)
    page.screenshot(shots / "import-directory-1024x700.png")

    # -- Export: the contacts as CSV ----------------------------------------------------------------
    page.click("directory-import")
    page.wait("export-form")
    Select(page.find("export-kind")).select_by_value("contacts")
    Select(page.find("export-format")).select_by_value("csv")
    out = tmp_path / "contacts.csv"
    next_answer(page, str(out))
    page.click("export-start")
    status = page.wait("export-status")
    exported = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert int(status.get_attribute("data-rows")) == len(exported)
    assert {"Lee Park", "Dana Reyes"} <= {r["name"] for r in exported}, exported[:3]

    # -- Undo this import ---------------------------------------------------------------------------
    row = next(b for b in page.find_all("import-batch") if b.get_attribute("data-batch") == batch)
    page.find("import-undo", row).click()
    result = page.wait("import-undo-result")
    assert result.get_attribute("data-batch") == batch
    assert "removed" in page.text(result)
    page.until(lambda: next(b for b in page.find_all("import-batch")
                            if b.get_attribute("data-batch") == batch)
               .get_attribute("data-undone") == "true")
    assert query_db(desk.sandbox.db, "SELECT COUNT(*) FROM companies")[0][0] == 0


def test_a_long_import_shows_rate_and_eta_and_is_cancelled_with_nothing_written(
        desk_factory, tmp_path):
    desk = desk_factory(demo=False)
    page = desk.launch(wait_for_queue=False)
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    desk.driver.set_window_size(1024, 700)
    set_up(page)
    answer_dialogs(page)
    big = tmp_path / "clients.csv"
    with big.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "tier", "phone"])
        for i in range(200_000):
            w.writerow([f"Client {i:06d}", "silver", f"+1 555 {i:06d}"])

    page.click("nav-directory")
    page.click("directory-import")
    next_answer(page, [str(big)])
    page.click("import-choose")
    page.until(lambda: len(page.find_all("import-table")) == 1, message=lambda: page.errors())
    assert page.find("import-source").get_attribute("data-source") == "csv"
    page.click("import-start")
    bar = page.wait("import-progress")
    page.until(lambda: int(bar.get_attribute("data-done") or 0) >= 2000, timeout=120,
               message=lambda: page.text(page.find("import-progress-text")))
    assert bar.get_attribute("data-state") == "running"
    assert int(bar.get_attribute("data-total")) == 200_000
    text = page.text(page.find("import-progress-text"))
    assert "rows/s" in text and "left" in text, text
    page.screenshot(shots / "import-progress-1024x700.png")
    # The import has a connection of its own: the window's reads answer meanwhile (from the desk
    # as it was: the import is one transaction), and a write is refused at once, by code.
    read = call(page, "list_companies", {})
    assert read == {"ok": []}, read
    write = call(page, "save_company", {"id": None, "input": {
        "name": "Contoso", "tier": "gold", "calendar": {"kind": "always_on"}}})
    assert write.get("code") == "IMPORT_RUNNING", write
    assert bar.get_attribute("data-state") == "running"
    page.click("import-cancel")
    # A cancel is the technician's choice: a neutral notice with the rows read, not an error box.
    notice = page.wait("import-cancelled", timeout=120)
    assert notice.get_attribute("role") == "status"
    assert notice.get_attribute("data-dry-run") == "false"
    assert int(notice.get_attribute("data-rows")) >= 2000
    assert page.text(notice).strip().startswith("Import cancelled: nothing was written."), \
        page.text(notice)
    assert not page.find_all("import-error")
    assert page.errors() == []
    page.screenshot(shots / "import-cancelled-1024x700.png")
    assert query_db(desk.sandbox.db, "SELECT COUNT(*) FROM companies")[0][0] == 0
    assert query_db(desk.sandbox.db, "SELECT COUNT(*) FROM import_batches")[0][0] == 0
    assert not page.find_all("import-batch")


def test_company_tool_links_are_mapped_checked_and_imported(desk_factory):
    """A companies sheet with the clients' tool links (issue 15): a link column the preset does not
    know is put on a tool in the mapping select, the hostile links (a `javascript:` link, one with
    a password) are refused rows already in the preview, the dry run counts the links, and the
    import stores exactly the good ones."""
    desk = desk_factory(demo=False)
    page = desk.launch(wait_for_queue=False)
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    desk.driver.set_window_size(1024, 700)
    set_up(page)
    answer_dialogs(page)
    page.click("nav-directory")
    page.click("directory-import")
    page.wait("import-screen")
    next_answer(page, [str(FIXTURES / "generic/companies.csv")])
    page.click("import-choose")
    page.until(lambda: len(page.find_all("import-table")) == 1,
               message=lambda: f"the file was not read: {page.errors()}")
    assert page.find("import-kind").get_attribute("data-kind") == "companies"
    psa = Select(page.find("import-map-field", map_row(page, "PSA URL")))
    assert psa.first_selected_option.get_attribute("value") == "tool_psa"
    rmm = Select(page.find("import-map-field", map_row(page, "RMM Site URL")))
    assert rmm.first_selected_option.get_attribute("value") == ""
    rmm.select_by_value("tool_rmm")
    page.until(lambda: "RMM Site URL" not in
               [page.text(c) for c in page.find_all("import-unknown-column")],
               message=lambda: f"the mapping was not re-read: {page.errors()}")
    page.until(lambda: [p.get_attribute("data-code") for p in page.find_all("import-preview-problem")]
               == ["IMPORT_TOOL_URL_INVALID"] * 2,
               message=lambda: [page.text(p) for p in page.find_all("import-preview-problem")])
    assert any("PSA URL" in page.text(p) for p in page.find_all("import-preview-problem"))
    page.click("import-dry-run")
    page.until(lambda: page.find_all("import-tool-links"), timeout=60,
               message=lambda: page.errors())
    links = page.find("import-tool-links")
    assert (links.get_attribute("data-added"), links.get_attribute("data-changed")) == ("5", "0")
    dry = counts(page)
    assert (dry["created"], dry["refused"]) == (2, 2), dry
    assert query_db(desk.sandbox.db, "SELECT COUNT(*) FROM company_tools")[0][0] == 0
    page.d.execute_script("arguments[0].scrollIntoView({block: 'start'})", page.find("import-counts"))
    page.screenshot(shots / "import-tool-links-dry-run-1024x700.png")
    page.click("import-start")
    page.until(lambda: page.find("import-counts").get_attribute("data-dry-run") == "false",
               timeout=120, message=lambda: page.errors())
    assert counts(page) == dry
    stored = query_db(desk.sandbox.db,
                      "SELECT c.name, t.kind, t.url_template FROM company_tools t "
                      "JOIN companies c ON c.id = t.company_id ORDER BY c.name, t.kind")
    assert [tuple(r) for r in stored] == [
        ("Acme Dental, LLC", "documentation", "https://docs.msp.example/a/acme-dental"),
        ("Acme Dental, LLC", "psa", "https://psa.msp.example/tickets/{psa_ticket}"),
        ("Acme Dental, LLC", "remote_session",
         "https://acme.screenconnect.example/Host#Access/All%20Machines//{hostname}"),
        ("Acme Dental, LLC", "rmm", "https://rmm.msp.example/sites/acme/devices?q={hostname}"),
        ("Plain Client", "rmm", "https://rmm.msp.example/sites/plain"),
    ], stored
