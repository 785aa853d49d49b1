import time, pytest
from test_autosave import open_paragraph
from tfwindow import _state

JS = """
const I = window.__TAURI_INTERNALS__;
window.__got = 0;
const id = I.transformCallback(() => { window.__got += 1; });
return I.invoke('plugin:event|listen', {event: 'flush-drafts', target: {kind: 'Any'}, handler: id}).then(() => 'ok', (e) => String(e));
"""

@pytest.mark.parametrize("n", range(6))
def test_close_intake(desk, n):
    f = open_paragraph(desk, "intake")
    f["page"].d.execute_script(JS)
    time.sleep(1)
    t0 = time.monotonic()
    desk.window.close_like_a_person()
    pid = desk.window.app_pid()
    while time.monotonic() - t0 < 8 and _state(pid) not in ("Z", ""):
        time.sleep(0.2)
    if _state(pid) not in ("Z", ""):
        print("alive; flush-drafts received:", f["page"].d.execute_script("return window.__got"))
    assert _state(pid) in ("Z", ""), "alive"
