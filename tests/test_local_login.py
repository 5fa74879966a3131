"""Password login beside the city's login: for everyone, or only the break-glass
administrators; and "Glömt lösenordet?" for the accounts that may use a password."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from tests.oidc import Provider
from valdprogram.forms import BREAKGLASS_REFUSED

pytestmark = pytest.mark.django_db

PASSWORD = "rätt-lösenord-123"
BREAKGLASS = override_settings(LOCAL_LOGIN="breakglass", LOCAL_LOGIN_USERS=["it.admin"])


@pytest.fixture
def people() -> tuple[User, User]:
    admin = User.objects.create_superuser("it.admin", "it.admin@stad.example.se", PASSWORD)
    kim = User.objects.create_user("kim.rapportor", "kim@stad.example.se", PASSWORD)
    return admin, kim


def log_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


@BREAKGLASS
def test_only_break_glass_accounts_log_in_with_a_password(
    client: Client, oidc: Provider, people: tuple[User, User]
) -> None:
    refused = log_in(client, "kim.rapportor")
    assert refused.status_code == 200
    assert BREAKGLASS_REFUSED in refused.content.decode()
    assert "_auth_user_id" not in client.session

    allowed = log_in(client, "it.admin")
    assert allowed.status_code == 302
    assert client.session["_auth_user_id"] == str(people[0].pk)


@BREAKGLASS
def test_a_wrong_password_gets_the_same_answer_as_a_refused_account(
    client: Client, oidc: Provider, people: tuple[User, User]
) -> None:
    wrong = log_in(client, "it.admin", "fel")
    assert BREAKGLASS_REFUSED in wrong.content.decode()
    assert "_auth_user_id" not in client.session


@BREAKGLASS
def test_the_admin_login_refuses_other_staff_too(
    client: Client, oidc: Provider, people: tuple[User, User]
) -> None:
    User.objects.create_superuser("annan.admin", "annan@stad.example.se", PASSWORD)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "annan.admin", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@BREAKGLASS
def test_a_session_from_before_the_switch_ends(
    client: Client, oidc: Provider, people: tuple[User, User]
) -> None:
    client.force_login(people[1], backend="accounts.backends.LocalPasswordBackend")
    response = client.get(reverse("start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_everyone_logs_in_with_a_password_by_default(
    client: Client, people: tuple[User, User]
) -> None:
    assert log_in(client, "kim.rapportor").status_code == 302


# --- "Glömt lösenordet?" ---------------------------------------------------------------


def reset_link() -> str:
    assert len(mail.outbox) == 1
    found = re.search(r"http://testserver(/konto/nytt-losenord/\S+/)", mail.outbox[0].body)
    assert found, mail.outbox[0].body
    return found.group(1)


def test_a_local_account_resets_its_password_by_email(
    client: Client, people: tuple[User, User]
) -> None:
    login_page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in login_page
    done = client.post(reverse("password_reset"), {"email": "kim@stad.example.se"}, follow=True)
    assert "Titta i din e-post" in done.content.decode()
    assert mail.outbox[0].to == ["kim@stad.example.se"]
    assert mail.outbox[0].subject == "Nytt lösenord till uppföljningen av programmet mot våld"

    form = client.get(reset_link(), follow=True)
    assert "Välj ett nytt lösenord" in form.content.decode()
    new = "ett-helt-nytt-lösenord-77"
    saved = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert "Lösenordet är bytt" in saved.content.decode()
    assert log_in(client, "kim.rapportor", new).status_code == 302


def test_a_weak_new_password_is_explained_and_changes_nothing(
    client: Client, people: tuple[User, User]
) -> None:
    client.post(reverse("password_reset"), {"email": "kim@stad.example.se"})
    form = client.get(reset_link(), follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert "Detta lösenord är enbart numeriskt." in response.content.decode()
    assert log_in(client, "kim.rapportor").status_code == 302


def test_a_used_link_says_so(client: Client, people: tuple[User, User]) -> None:
    response = client.get("/konto/nytt-losenord/MQ/fel-token/")
    assert "Länken fungerar inte längre" in response.content.decode()


def test_no_link_for_an_account_of_the_city_login_or_an_unknown_address(
    client: Client, people: tuple[User, User]
) -> None:
    city = User.objects.create_user("stadens.kim", "stad@stad.example.se")
    city.set_unusable_password()
    city.save()
    for email in ("stad@stad.example.se", "okand@stad.example.se"):
        done = client.post(reverse("password_reset"), {"email": email}, follow=True)
        assert "Titta i din e-post" in done.content.decode()
    assert mail.outbox == []


@BREAKGLASS
def test_when_only_break_glass_may_use_passwords_only_they_get_a_link(
    client: Client, oidc: Provider, people: tuple[User, User]
) -> None:
    client.post(reverse("password_reset"), {"email": "kim@stad.example.se"})
    assert mail.outbox == []
    client.post(reverse("password_reset"), {"email": "it.admin@stad.example.se"})
    assert [message.to for message in mail.outbox] == [["it.admin@stad.example.se"]]
