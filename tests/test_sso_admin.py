"""The admin's side of the city's login: the mapping from claim values to roles, and roles
given by hand staying marked as such."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.models import ClaimRoleMapping, MappingKind
from catalog.models import Board
from followup.models import Membership, RoleSource
from tests.catalog_data import stockholm

pytestmark = pytest.mark.django_db

DISTRICT = "rinkeby-kista-stadsdelsnamnd"


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("it.admin", password="x" * 20))
    return client


def test_a_mapping_is_added_in_swedish_and_listed(admin_client: Client) -> None:
    board = Board.objects.get(slug=DISTRICT)
    add = reverse("admin:accounts_claimrolemapping_add")
    page = admin_client.get(add).content.decode()
    assert "Värde i anspråket" in page
    response = admin_client.post(
        add,
        {
            "claim_value": "valdprogram.rinkeby-kista.rapportor",
            "kind": MappingKind.BOARD,
            "board": board.pk,
            "board_role": "rapportor",
        },
    )
    assert response.status_code == 302
    listing = admin_client.get(reverse("admin:accounts_claimrolemapping_changelist"))
    assert "valdprogram.rinkeby-kista.rapportor" in listing.content.decode()


def test_a_mapping_that_mixes_board_and_programme_is_explained_and_not_saved(
    admin_client: Client,
) -> None:
    response = admin_client.post(
        reverse("admin:accounts_claimrolemapping_add"),
        {
            "claim_value": "valdprogram.samordnare",
            "kind": MappingKind.COORDINATOR,
            "board": Board.objects.get(slug=DISTRICT).pk,
            "programme": stockholm().pk,
        },
    )
    assert response.status_code == 200
    assert "En programroll gäller ingen enskild nämnd: lämna tomt." in response.content.decode()
    assert not ClaimRoleMapping.objects.exists()


def test_a_role_saved_in_the_admin_is_one_given_by_hand(admin_client: Client) -> None:
    kim = User.objects.create_user("kim")
    board = Board.objects.get(slug=DISTRICT)
    membership = Membership.objects.create(
        user=kim, board=board, role="lasare", source=RoleSource.CLAIM
    )
    change = reverse("admin:followup_membership_change", args=[membership.pk])
    assert "Från stadens inloggning" in admin_client.get(change).content.decode()
    response = admin_client.post(change, {"user": kim.pk, "board": board.pk, "role": "rapportor"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.source) == ("rapportor", RoleSource.HAND)
    listing = admin_client.get(reverse("admin:followup_membership_changelist") + "?source=hand")
    assert "Given för hand" in listing.content.decode()
