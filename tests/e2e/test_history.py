"""The desk's history is signed by the app itself (issue 13): the key comes from the keychain
when the window starts, an upgraded or demo desk gets its first checkpoint at once, and closing
the window signs the events of the session."""

from tfwindow import query_db


def last_checkpoint(db):
    return query_db(db, "SELECT seq, event_id, reason FROM audit_checkpoints ORDER BY seq DESC LIMIT 1")


def head(db):
    return query_db(db, "SELECT max(id) FROM audit_events")[0][0]


def test_the_app_signs_its_history_at_start_and_when_its_window_closes(desk):
    desk.sandbox.extra["TICKETFLOW_KEYSTORE"] = "keyutils"
    db = desk.sandbox.db
    assert last_checkpoint(db) == [], "demo data is written without the keychain"
    page = desk.launch()
    # The key is fetched off the main thread: the first checkpoint follows the window.
    page.until(lambda: last_checkpoint(db) != [],
               message="the app took no checkpoint after it started")
    [(seq, through, reason)] = last_checkpoint(db)
    assert (seq, through, reason) == (1, head(db), "first")

    # A change of this session, too few events for an interval checkpoint and no seal...
    result = page.d.execute_async_script(
        """const done = arguments[0];
        window.__TAURI_INTERNALS__.invoke('set_report_appendix', {include: false})
          .then(r => done({ok: r}), e => done({err: e}));""")
    assert "ok" in result, result
    assert head(db) > through
    assert last_checkpoint(db)[0][1] == through

    # ...is signed when the window closes.
    desk.close_window()
    [(seq, covered, reason)] = last_checkpoint(db)
    assert (seq, covered, reason) == (2, head(db), "closing")


def test_without_a_keychain_the_desk_works_and_the_reports_screen_says_its_events_are_unsigned(desk):
    # No TICKETFLOW_KEYSTORE: the Secret Service, which this private D-Bus session does not run.
    db = desk.sandbox.db
    page = desk.launch()
    page.d.execute_script("location.hash = '#/reports'")
    page.wait_hash(r"^#/reports$")
    page.until(lambda: page.find_all("history-unsigned"),
               message=lambda: page.text(page.css("main")))
    said = page.text(page.find("history-unsigned"))
    assert f"The newest {head(db)} events are not signed yet" in said, said
    assert "KEYCHAIN_UNAVAILABLE" in said, said
    assert last_checkpoint(db) == []
    page.d.execute_script("arguments[0].scrollIntoView({block: 'center'})",
                          page.find("desk-history"))
    shots = desk.artifacts.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(shots / "history-unsigned.png")
