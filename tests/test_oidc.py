"""The city's login (OpenID Connect) against a real provider on loopback (tests/oidc.py):
users from the claims, roles from the roles claim, the logout that ends the provider's
session, and refusals that change nothing."""

import dataclasses
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import ClaimRoleMapping, MappingKind, OidcIdentity
from accounts.oidc import OIDC_FAILED
from accounts.roles import REASON_ADDED, REASON_REMOVED
from catalog.models import Board
from followup.models import BoardRole, CityReader, Coordinator, Membership, RoleSource
from tests.catalog_data import stockholm
from tests.oidc import Provider, settings_for

pytestmark = pytest.mark.django_db

DISTRICT = "rinkeby-kista-stadsdelsnamnd"
OTHER = "farsta-stadsdelsnamnd"
REPORTER_ROLE = "valdprogram.rinkeby-kista.rapportor"
READER_ROLE = "valdprogram.rinkeby-kista.lasare"
COORDINATOR_ROLE = "valdprogram.samordnare"
CITY_READER_ROLE = "valdprogram.stadslasare"


@pytest.fixture
def mapping() -> None:
    """The admin's mapping from app roles to roles in the service."""
    district = Board.objects.get(slug=DISTRICT)
    programme = stockholm()
    ClaimRoleMapping.objects.bulk_create(
        [
            ClaimRoleMapping(
                claim_value=REPORTER_ROLE,
                kind=MappingKind.BOARD,
                board=district,
                board_role=BoardRole.REPORTER,
            ),
            ClaimRoleMapping(
                claim_value=READER_ROLE,
                kind=MappingKind.BOARD,
                board=district,
                board_role=BoardRole.READER,
            ),
            ClaimRoleMapping(
                claim_value=COORDINATOR_ROLE, kind=MappingKind.COORDINATOR, programme=programme
            ),
            ClaimRoleMapping(
                claim_value=CITY_READER_ROLE, kind=MappingKind.CITY_READER, programme=programme
            ),
        ]
    )


def kim(**claims: object) -> dict[str, object]:
    return {
        "given_name": "Kim",
        "family_name": "Andersson",
        "name": "Kim Andersson",
        "email": "kim.andersson@stad.example.se",
        "preferred_username": "kim.andersson@stad.example.se",
        **claims,
    }


def board_roles(user: User) -> dict[str, tuple[str, str]]:
    rows = Membership.objects.filter(user=user).select_related("board")
    return {m.board.slug: (m.role, m.source) for m in rows}


def signed_in_user(client: Client) -> User:
    return User.objects.get(pk=client.session["_auth_user_id"])


# --- the login page --------------------------------------------------------------------


def test_login_page_offers_the_city_login_first(client: Client, oidc: Provider) -> None:
    page = client.get(reverse("login")).content.decode()
    assert "Logga in med stadens konto" in page
    assert page.index("Logga in med stadens konto") < page.index('id="id_username"')
    assert "Glömt lösenordet?" in page


def test_without_configuration_there_is_no_city_login(client: Client) -> None:
    page = client.get(reverse("login"))
    assert "stadens konto" not in page.content.decode()
    assert client.get(reverse("oidc-start")).status_code == 404
    assert client.get(reverse("oidc-callback"), {"code": "x", "state": "y"}).status_code == 404


# --- users from the claims -------------------------------------------------------------


def test_signing_in_creates_the_user_from_the_claims_and_lands_on_the_start_page(
    client: Client, oidc: Provider, mapping: None
) -> None:
    subject = oidc.new_person(**kim(roles=[REPORTER_ROLE]))
    response = oidc.sign_in(client, subject)
    assert response.status_code == 302
    assert response["Location"] == reverse("start")
    user = signed_in_user(client)
    assert (user.first_name, user.last_name, user.email) == (
        "Kim",
        "Andersson",
        "kim.andersson@stad.example.se",
    )
    assert not user.has_usable_password()
    assert OidcIdentity.objects.get(user=user).subject == subject
    assert board_roles(user) == {DISTRICT: (BoardRole.REPORTER, RoleSource.CLAIM)}
    start = client.get(reverse("start"))
    assert start.status_code == 200
    added = Membership.history.get(user=user, history_type="+")
    assert added.history_change_reason == REASON_ADDED


def test_signing_in_again_updates_the_name_and_removes_a_role_the_claims_no_longer_give(
    client: Client, oidc: Provider, mapping: None
) -> None:
    subject = oidc.new_person(**kim(roles=[REPORTER_ROLE, COORDINATOR_ROLE]))
    oidc.sign_in(client, subject)
    user = signed_in_user(client)
    assert Coordinator.objects.filter(user=user).exists()

    oidc.set_claims(subject, **kim(family_name="Berg", roles=[READER_ROLE]))
    client.post(reverse("logout"))
    oidc.sign_in(client, subject)

    assert signed_in_user(client) == user
    user.refresh_from_db()
    assert user.last_name == "Berg"
    assert board_roles(user) == {DISTRICT: (BoardRole.READER, RoleSource.CLAIM)}
    assert not Coordinator.objects.filter(user=user).exists()
    removed = Coordinator.history.get(user=user, history_type="-")
    assert removed.history_change_reason == REASON_REMOVED
    assert removed.history_user == user

    oidc.set_claims(subject, **kim(roles=[]))
    client.post(reverse("logout"))
    oidc.sign_in(client, subject)
    assert board_roles(user) == {}
    assert User.objects.filter(oidc_identity__subject=subject).count() == 1


def test_a_role_given_by_hand_stays_when_the_claims_do_not_give_it(
    client: Client, oidc: Provider, mapping: None
) -> None:
    subject = oidc.new_person(**kim(roles=[CITY_READER_ROLE]))
    oidc.sign_in(client, subject)
    user = signed_in_user(client)
    Membership.objects.create(user=user, board=Board.objects.get(slug=OTHER), role="rapportor")
    # The claims now give the board the admin gave by hand, and then nothing at all.
    oidc.set_claims(subject, **kim(roles=[REPORTER_ROLE]))
    oidc.sign_in(client, subject)
    oidc.set_claims(subject, **kim())
    oidc.sign_in(client, subject)

    assert board_roles(user) == {OTHER: (BoardRole.REPORTER, RoleSource.HAND)}
    assert not CityReader.objects.filter(user=user).exists()


def test_a_hand_given_role_for_the_same_board_is_not_taken_over_by_the_claims(
    client: Client, oidc: Provider, mapping: None
) -> None:
    subject = oidc.new_person(**kim())
    oidc.sign_in(client, subject)
    user = signed_in_user(client)
    Membership.objects.create(user=user, board=Board.objects.get(slug=DISTRICT), role="lasare")
    oidc.set_claims(subject, **kim(roles=[REPORTER_ROLE]))
    oidc.sign_in(client, subject)
    oidc.set_claims(subject, **kim())
    oidc.sign_in(client, subject)
    assert board_roles(user) == {DISTRICT: (BoardRole.READER, RoleSource.HAND)}


def test_a_local_account_with_the_same_email_is_never_taken_over(
    client: Client, oidc: Provider, mapping: None
) -> None:
    local = User.objects.create_user(
        "kim.andersson@stad.example.se", email="kim.andersson@stad.example.se", password="x-1"
    )
    Membership.objects.create(user=local, board=Board.objects.get(slug=OTHER), role="rapportor")
    subject = oidc.new_person(**kim(roles=[READER_ROLE]))
    oidc.sign_in(client, subject)

    user = signed_in_user(client)
    assert user != local
    assert user.username == "kim.andersson@stad.example.se-2"
    assert board_roles(user) == {DISTRICT: (BoardRole.READER, RoleSource.CLAIM)}
    assert board_roles(local) == {OTHER: (BoardRole.REPORTER, RoleSource.HAND)}
    assert not hasattr(User.objects.get(pk=local.pk), "oidc_identity")


def test_entra_ids_oid_claim_finds_the_person_whatever_the_subject(
    client: Client, oidc: Provider
) -> None:
    with override_settings(**settings_for(dataclasses.replace(oidc.config, id_claim="oid"))):
        first = oidc.new_person(**kim(oid="00000000-0000-0000-0000-00000000abcd"))
        oidc.sign_in(client, first)
        user = signed_in_user(client)
        client.post(reverse("logout"))
        # Entra ID gives every application its own `sub`; `oid` stays the same.
        second = oidc.new_person(**kim(oid="00000000-0000-0000-0000-00000000abcd"))
        oidc.sign_in(client, second)
        assert signed_in_user(client) == user
        assert OidcIdentity.objects.get(user=user).subject.endswith("abcd")


# --- refusals ----------------------------------------------------------------------------


def test_an_id_token_from_another_issuer_is_refused_and_creates_nobody(
    client: Client, oidc: Provider, mapping: None
) -> None:
    other = dataclasses.replace(oidc.config, issuer="https://login.example.net/annan")
    users = User.objects.count()
    with override_settings(**settings_for(other)):
        response = oidc.sign_in(client, oidc.new_person(**kim(roles=[REPORTER_ROLE])))
        assert response["Location"] == reverse("login")
        page = client.get(reverse("login"))
    assert OIDC_FAILED in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users


def test_claims_without_the_id_are_refused(client: Client, oidc: Provider) -> None:
    with override_settings(**settings_for(dataclasses.replace(oidc.config, id_claim="oid"))):
        response = oidc.sign_in(client, oidc.new_person(**kim()))
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_a_callback_without_a_sign_in_started_here_goes_back_to_the_login_page(
    client: Client, oidc: Provider
) -> None:
    response = client.get(reverse("oidc-callback"), {"code": "gissad", "state": "gissad"})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_denied_at_the_provider_comes_back_with_a_message(client: Client, oidc: Provider) -> None:
    redirect = client.get(reverse("oidc-start"))
    denied = client.get(
        reverse("oidc-callback"), {"error": "access_denied", "state": "x"}, follow=True
    )
    assert redirect.status_code == 302
    assert OIDC_FAILED in denied.content.decode()
    assert "_auth_user_id" not in client.session


def test_many_failed_city_logins_lock_out_nobody(client: Client, oidc: Provider) -> None:
    from django.conf import settings

    with override_settings(**settings_for(dataclasses.replace(oidc.config, id_claim="oid"))):
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            refused = oidc.sign_in(client, oidc.new_person(**kim()))
            assert refused["Location"] == reverse("login")
        response = oidc.sign_in(client, oidc.new_person(**kim(oid="ett-stabilt-id")))
    assert response["Location"] == reverse("start")


def test_a_password_form_sent_with_a_code_in_its_address_is_only_a_password_login(
    client: Client, oidc: Provider
) -> None:
    response = client.post(
        reverse("login") + "?code=gissad&state=gissad", {"username": "x", "password": "y"}
    )
    assert response.status_code == 200
    assert "Ange ett korrekt användarnamn och lösenord" in response.content.decode()


def test_a_deactivated_account_is_refused(client: Client, oidc: Provider) -> None:
    subject = oidc.new_person(**kim())
    oidc.sign_in(client, subject)
    User.objects.filter(pk=signed_in_user(client).pk).update(is_active=False)
    client.post(reverse("logout"))
    response = oidc.sign_in(client, subject)
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_signing_in_goes_back_to_the_page_asked_for(client: Client, oidc: Provider) -> None:
    response = oidc.sign_in(client, oidc.new_person(**kim()), next_url="/perioder/")
    assert response["Location"] == "/perioder/"
    elsewhere = oidc.sign_in(client, oidc.new_person(**kim()), next_url="https://evil.example/")
    assert elsewhere["Location"] == reverse("start")


def test_the_login_page_reads_nothing_from_the_database(
    client: Client, oidc: Provider, django_assert_num_queries
) -> None:
    with django_assert_num_queries(0):  # no session yet, no user: nothing to look up
        response = client.get(reverse("login"))
    assert response.status_code == 200


# --- logout --------------------------------------------------------------------------------


def test_logout_ends_the_providers_session(client: Client, oidc: Provider) -> None:
    oidc.sign_in(client, oidc.new_person(**kim()))
    id_token = client.session["oidc_id_token"]
    response = client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == oidc.config.end_session_endpoint
    query = parse_qs(target.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/"]


def test_logout_without_an_end_session_endpoint_stays_here(client: Client, oidc: Provider) -> None:
    with override_settings(
        **settings_for(dataclasses.replace(oidc.config, end_session_endpoint=""))
    ):
        oidc.sign_in(client, oidc.new_person(**kim()))
        response = client.post(reverse("logout"))
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


# --- the mapping in the admin ----------------------------------------------------------------


def test_a_mapping_must_name_what_it_gives() -> None:
    from django.core.exceptions import ValidationError

    half = ClaimRoleMapping(claim_value="x", kind=MappingKind.BOARD)
    with pytest.raises(ValidationError) as error:
        half.full_clean()
    assert error.value.message_dict["board"] == ["Välj nämnden som rollen gäller."]
    assert error.value.message_dict["board_role"] == ["Välj rapportör eller läsare."]


# --- the endpoints from the issuer -------------------------------------------------------


def test_the_endpoint_variables_are_read_from_the_issuers_discovery(oidc_provider: str) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("oidc_endpoints", oidc_provider, stdout=out)
    lines = out.getvalue().splitlines()
    assert f"OIDC_ISSUER={oidc_provider}" in lines
    assert f"OIDC_TOKEN_ENDPOINT={oidc_provider}/oauth2/token" in lines
    assert f"OIDC_JWKS_URI={oidc_provider}/jwks" in lines


def test_an_issuer_that_does_not_answer_is_a_clear_error() -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=r"Could not read http://127\.0\.0\.1:9/"):
        call_command("oidc_endpoints", "http://127.0.0.1:9")
