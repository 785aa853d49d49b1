"""Searching every ticket text and runbook from the Search screen, and opening a ticket hit."""

from flows import Ticket, query_db


def test_a_word_from_a_ticket_finds_it_and_opens_it(desk):
    page = desk.launch()
    ticket_id, number, problem = query_db(
        desk.sandbox.db,
        "SELECT id, number, problem FROM tickets WHERE problem LIKE '%printer%' ORDER BY id LIMIT 1")[0]
    page.click("nav-search")
    page.wait_hash(r"^#/search$")
    box = page.wait("search-input")
    page.type_into(box, "printer offline")
    page.until(lambda: page.find_all("search-hit"), message=lambda: f"no hits: {page.errors()}")
    tickets = [h for h in page.find_all("search-hit") if h.get_attribute("data-kind") == "ticket"]
    assert tickets, "no ticket among the hits"
    ids = [int(h.get_attribute("data-id")) for h in tickets]
    assert ticket_id in ids, (ticket_id, ids)
    shots = desk.artifacts.parent / "screenshots"  # kept when the test passes
    shots.mkdir(exist_ok=True)
    page.screenshot(shots / "search.png")
    hit = tickets[ids.index(ticket_id)]
    assert number in page.text(hit)
    page.scroll_into_view(hit)
    hit.find_element("css selector", "button").click()
    Ticket(page).wait_loaded(ticket_id)
    assert problem in page.text(page.find("ticket-header"))


def test_search_syntax_and_markup_in_a_query_are_only_words(desk):
    page = desk.launch()
    page.click("nav-search")
    box = page.wait("search-input")
    page.d.execute_script("window.__pwned = false")
    page.type_into(box, '"printer" OR <img src=x onerror="window.__pwned=true"> NEAR(')
    page.until(lambda: page.find_all("search-count") or page.errors(),
               message="the search neither answered nor refused")
    assert not page.d.execute_script("return window.__pwned")
    # Punctuation is no operator: the words are searched as words, with a count or a coded error.
    for code, _ in page.errors():
        assert code == "INVALID_INPUT", page.errors()
