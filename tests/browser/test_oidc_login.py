"""The city's login in Chromium, against the local OpenID provider (tests/oidc.py): a
person signs in with the city's account, gets the board role their claims give, signs out
of the provider too, and loses the role once the claims no longer give it.

The provider's own pages are not ours and are not checked with axe; the stylesheet they
ask a CDN for is answered empty, so nothing leaves the machine."""

import re

import pytest
from django.test import override_settings
from playwright.sync_api import Page, Route, expect

from accounts.models import ClaimRoleMapping, MappingKind
from followup.models import BoardRole
from tests.followup_data import World, build_world
from tests.oidc import Provider
from valdprogram.forms import BREAKGLASS_REFUSED

pytestmark = pytest.mark.browser

PASSWORD = "lösenord-för-test-1"
BOARD = "Rinkeby-Kista stadsdelsnämnd"
REPORTER_ROLE = "valdprogram.rinkeby-kista.rapportor"
OFF_MACHINE = re.compile(r"^https?://(?!localhost[:/]|127\.0\.0\.1[:/])")


@pytest.fixture
def world(transactional_db: None) -> World:
    world = build_world()
    ClaimRoleMapping.objects.create(
        claim_value=REPORTER_ROLE,
        kind=MappingKind.BOARD,
        board=world.report.board,
        board_role=BoardRole.REPORTER,
    )
    return world


def stay_on_the_machine(route: Route) -> None:
    route.fulfill(status=200, body="", content_type="text/css")


def sign_in_with_the_city_account(page: Page, subject: str) -> None:
    page.goto("/konto/logga-in/")
    page.get_by_role("link", name="Logga in med stadens konto").click()
    # The provider's page: who signs in.
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina rapporter")


def test_signing_in_with_the_city_account_gives_and_takes_the_board_role(
    page: Page, oidc: Provider, world: World, live_server, assert_accessible
) -> None:
    page.context.route(OFF_MACHINE, stay_on_the_machine)
    subject = oidc.new_person(
        name="Kim Andersson",
        given_name="Kim",
        family_name="Andersson",
        email="kim.andersson@stad.example.se",
        roles=[REPORTER_ROLE],
    )
    page.goto("/konto/logga-in/")
    assert_accessible(page)

    sign_in_with_the_city_account(page, subject)
    mine = page.get_by_role("region", name="Öppna rapporter för dina nämnder")
    expect(mine.get_by_role("link", name=BOARD)).to_be_visible()
    assert_accessible(page)

    # Logging out ends the provider's session too, and comes back here.
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", name="End Session")).to_be_visible()
    page.get_by_role("button", name="End session").click()
    expect(page).to_have_url(f"{live_server.url}/")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    expect(nav.get_by_role("link", name="Logga in")).to_be_visible()

    # The directory no longer gives the role: the next sign-in takes it away.
    oidc.set_claims(subject, name="Kim Andersson", email="kim.andersson@stad.example.se")
    sign_in_with_the_city_account(page, subject)
    expect(page.get_by_text("Det finns inga öppna rapporter för dina nämnder")).to_be_visible()
    expect(page.get_by_role("link", name=BOARD)).to_have_count(0)


@override_settings(LOCAL_LOGIN="breakglass", LOCAL_LOGIN_USERS=["samordnare"])
def test_with_the_city_login_on_only_break_glass_accounts_use_a_password(
    page: Page, oidc: Provider, world: World, assert_accessible
) -> None:
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill("rapportor")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(BREAKGLASS_REFUSED)
    expect(page.get_by_label("Användarnamn")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    page.get_by_label("Användarnamn").fill("samordnare")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina rapporter")
