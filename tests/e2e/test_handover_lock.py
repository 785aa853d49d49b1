"""Hand-over mode holds in the core, in the real window: once the technician hands the device
over, neither a reload, the keyboard's shortcuts, the window manager's close, a second start of
the app, a kill and restart, nor a command sent by hand gets anyone out of it or to other data;
only the technician's PIN does, and then the desk works again."""

import os
import re
import subprocess
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.keys import Keys

from flows import query_db
from test_signatures import leave_handover, open_ticket


def hand_over(desk):
    """Opens an escalated demo ticket, records the fix and hands the device over."""
    page, ticket, ticket_id = open_ticket(desk, "escalated")
    ticket.complete(12, {"notes": "Reset the mail profile.", "infrastructure": "Endpoint only"})
    page.type_into(page.wait("handover-summary-input"), "We reset your mail profile.")
    page.click("handover-start")
    page.wait("handover")
    return page, ticket_id


def active_handovers(desk) -> list[tuple]:
    return query_db(desk.sandbox.db,
                    "SELECT ticket_id, summary FROM handovers WHERE ended_at IS NULL")


def invoke(page, command: str, args: dict) -> dict:
    """Calls a shell command from the page, as a script in it could: {ok} or {code}."""
    return page.d.execute_async_script(
        """const [command, args, done] = arguments;
        window.__TAURI_INTERNALS__.invoke(command, args)
          .then(() => done({ok: true}), (e) => done({code: e && e.code, message: e && e.message}));""",
        command, args)


def bus_of(pid: int) -> str:
    """The D-Bus session the app runs in (WebKitWebDriver gives each window its own)."""
    env = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
    for entry in env:
        if entry.startswith(b"DBUS_SESSION_BUS_ADDRESS="):
            return entry.split(b"=", 1)[1].decode()
    raise AssertionError("the app has no D-Bus session address")


def refuse_close(desk, page) -> None:
    """Asks the window manager to close the window, as Alt+F4 does, and waits for the refusal.
    Right after WebDriver typed, GTK sometimes drops the first WM_DELETE_WINDOW (see
    `Desk.close_window`): WebDriver's input state is released first, and the request is sent
    again if nothing answered it."""
    ActionChains(page.d).reset_actions()
    for _ in range(3):
        desk.window.close_like_a_person()
        try:
            page.wait("handover-close-refused", timeout=5)
            return
        except TimeoutException:
            continue
    raise AssertionError("the close request was never answered with the refusal")


def test_a_hand_over_cannot_be_left_without_the_pin(desk, cli_bin):
    page, ticket_id = hand_over(desk)
    assert active_handovers(desk) == [(ticket_id, "We reset your mail profile.")], \
        "the core stored the hand-over and its text before the pad opened"

    # Other commands, sent from the page by hand, are refused by the core.
    refused = invoke(page, "list_queue", {"query": {}})
    assert refused.get("code") == "HANDOVER_ACTIVE", refused
    refused = invoke(page, "create_ticket", {})
    assert refused.get("code") == "HANDOVER_ACTIVE", refused

    # And from another process of the desk.
    env = dict(os.environ, TICKETFLOW_DATA_DIR=str(desk.sandbox.tf_data))
    cli = subprocess.run([str(cli_bin), "technician", "list"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert cli.returncode != 0 and "HANDOVER_ACTIVE" in cli.stderr, (cli.returncode, cli.stderr)

    # Reload and developer shortcuts: the page stays (a guard set on it survives).
    page.d.execute_script("window.__stay = 1")
    for keys in ([Keys.F5], [Keys.CONTROL, "r"], [Keys.CONTROL, Keys.SHIFT, "r"], [Keys.F12]):
        chain = ActionChains(page.d)
        for k in keys:
            chain.key_down(k)
        for k in reversed(keys):
            chain.key_up(k)
        chain.perform()
    time.sleep(0.5)
    assert page.d.execute_script("return window.__stay") == 1, "a shortcut reloaded the page"

    # A reload that does happen (WebDriver's own) comes back to the hand-over, not the queue.
    page.d.refresh()
    page.wait("handover")
    assert not page.find_all("queue-list")
    assert page.find("handover").get_attribute("data-stage") == "ask"

    # The window manager's close (Alt+F4, the title bar) is refused and asks for the PIN.
    refuse_close(desk, page)
    time.sleep(4)  # longer than the 3 s grace after which an ordinary close goes through
    assert desk.window.app_pid(), "the app exited"
    page.wait("handover-pin-form")

    # A second start of the app on this desk ends at once and leaves the first as it was.
    first = desk.window.app_pid()
    second_env = desk.sandbox.env(desk.display)
    second_env["DBUS_SESSION_BUS_ADDRESS"] = bus_of(first)
    started = time.monotonic()
    second = subprocess.run([str(desk.app)], env=second_env, capture_output=True, timeout=60)
    assert second.returncode == 0, second.stderr[-2000:]
    assert time.monotonic() - started < 30
    assert desk.window.app_pid() == first
    page.wait("handover")

    # A kill, then a new start: the desk is still handed over, and the window opens on it.
    desk.kill()
    page = desk.launch(wait_for_queue=False)
    page.wait("handover")
    assert not page.find_all("queue-list"), "the queue was shown before the hand-over"
    assert active_handovers(desk)

    # Only the PIN gives the window back; then everything works again.
    leave_handover(page)
    page.wait("queue-list")
    # The queue is the desk's, not the launch's empty stand-in for it.
    page.until(lambda: re.match(r"[1-9]\d* tickets", page.text(page.find("queue-count")).strip()),
               message=lambda: f"the queue came back as {page.text(page.find('queue-count'))!r}")
    assert active_handovers(desk) == []
    assert invoke(page, "list_queue", {"query": {}}) == {"ok": True}
    cli = subprocess.run([str(cli_bin), "technician", "list"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    ended = query_db(desk.sandbox.db,
                     "SELECT action FROM audit_events WHERE ticket_id = ? AND action LIKE 'handover_%'"
                     " ORDER BY id", (ticket_id,))
    assert [a for (a,) in ended] == ["handover_started", "handover_ended"]
