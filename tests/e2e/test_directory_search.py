"""A contact and an asset added in the directory are found by intake's type-aheads as typed."""

from flows import Intake


def add_company_with_contact_and_asset(page, company, contact, email, hostname):
    page.click("nav-directory")
    page.click("company-new")
    page.type_into(page.wait("company-name"), company)
    page.click("company-save")
    page.wait_hash(r"^#/directory/\d+$")
    page.click("contact-new")
    page.type_into(page.wait("contact-name"), contact)
    page.type_into(page.css("#contact-email"), email)
    page.click("contact-save")
    page.until(lambda: len(page.find_all("contact-row")) == 1, message=lambda: page.errors())
    page.d.find_element("xpath", "//button[@role='tab'][normalize-space()='Assets']").click()
    page.click("asset-new")
    page.type_into(page.wait("asset-hostname"), hostname)
    page.click("asset-save")
    page.until(lambda: len(page.find_all("asset-row")) == 1, message=lambda: page.errors())


def test_new_directory_records_are_found_in_intake(desk):
    page = desk.launch()
    add_company_with_contact_and_asset(page, "Tailspin Toys", "Dana Whitfield",
                                       "dana.whitfield@tailspin.example", "TAILSPIN-LT-042")
    intake = Intake(page)
    intake.start()
    option = intake.find_caller("Dana Whitfield", query="dana.whitf")
    assert "Tailspin Toys" in option and "Authorized" in option, option
    intake.link_asset("TAILSPIN-LT-042", query="LT-04")


def test_a_search_with_an_underscore_finds_the_record(desk):
    # The searches once dropped '_' and '%' from the query: 'jo_smith' looked for 'josmith'.
    page = desk.launch()
    add_company_with_contact_and_asset(page, "Wide World Importers", "Jo Smith",
                                       "jo_smith@wideworld.example", "WWI_PRINT_01")
    intake = Intake(page)
    intake.start()
    intake.find_caller("Jo Smith", query="jo_smith")
    intake.link_asset("WWI_PRINT_01", query="WWI_PRINT")
