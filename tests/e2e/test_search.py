"""Searching every ticket text and runbook from the Search screen, and opening a ticket hit; the
queue's box and the Search screen say what each searches and carry the words across."""

import re

from flows import Ticket, query_db


def rarest_problem(db):
    """A problem statement few tickets share, so its tickets are all among the first hits."""
    return query_db(
        db,
        "SELECT problem FROM tickets WHERE problem <> '' GROUP BY problem "
        "ORDER BY COUNT(*), problem LIMIT 1")[0][0]


def words_of(text):
    return [w for w in re.split(r"[^\w]+", text) if len(w) > 2][:3]


def test_a_word_from_a_ticket_finds_it_and_opens_it(desk):
    page = desk.launch()
    problem = rarest_problem(desk.sandbox.db)
    ticket_id, number = query_db(
        desk.sandbox.db,
        "SELECT id, number FROM tickets WHERE problem = ? ORDER BY id LIMIT 1", (problem,))[0]
    words = words_of(problem)
    page.click("nav-search")
    page.wait_hash(r"^#/search$")
    box = page.wait("search-input")
    page.type_into(box, " ".join(words))
    page.until(lambda: page.find_all("search-hit"), message=lambda: f"no hits: {page.errors()}")
    tickets = [h for h in page.find_all("search-hit") if h.get_attribute("data-kind") == "ticket"]
    assert tickets, "no ticket among the hits"
    ids = [int(h.get_attribute("data-id")) for h in tickets]
    assert ticket_id in ids, (ticket_id, ids)

    # "N matches" or "First 50 of N": the total is the core's count, at least the hits shown.
    total = page.find("search-total")
    assert int(total.get_attribute("data-total")) >= len(page.find_all("search-hit"))
    assert re.search(r"\d+ match", page.text(total)), page.text(total)

    # The matched words are highlighted, as <mark> elements holding only those words.
    hit = tickets[ids.index(ticket_id)]
    marks = [m.text.strip().lower() for m in hit.find_elements("css selector", "mark")]
    assert marks, "no word highlighted in the hit"
    assert set(marks) <= {w.lower() for w in words}, (marks, words)

    shots = desk.artifacts.parent / "screenshots"  # kept when the test passes
    shots.mkdir(exist_ok=True)
    page.screenshot(shots / "search.png")
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
    assert not page.d.execute_script("return document.querySelector('.hits img')")
    # Punctuation is no operator: the words are searched as words, with a count or a coded error.
    for code, _ in page.errors():
        assert code == "INVALID_INPUT", page.errors()


def test_each_search_says_what_it_searches_and_hands_its_words_to_the_other(desk):
    page = desk.launch()
    queue_box = page.wait("queue-search")
    assert "client" in queue_box.get_attribute("placeholder").lower()
    page.type_into(queue_box, "printer")
    page.click("queue-search-link")
    page.wait_hash(r"^#/search$")
    box = page.wait("search-input")
    page.until(lambda: page.value(box) == "printer", message="the words did not come along")
    assert "All ticket texts and runbooks" in page.text(page.css("section.search"))
    page.until(lambda: page.find_all("search-count"), message="the carried words were not searched")

    page.type_into(box, "Outlook")
    page.click("search-link")
    page.wait_hash(r"^#/$")
    page.until(lambda: page.value(page.find("queue-search")) == "Outlook",
               message="the words did not come back to the queue")
    page.until(lambda: page.text(page.find("queue-count")).strip().endswith("match")
               or "match" in page.text(page.find("queue-count")),
               message="the queue did not search for the carried words")
