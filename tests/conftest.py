"""The session world: Stockholm's catalog, loaded into the test database once per session.

Loading the catalog costs about 5,000 queries. Every test finds it in place instead of
loading it again:

- A `TestCase` (or a `db` test) runs inside a transaction that is rolled back, so it sees the
  catalog and leaves it as it was, whatever it changes.
- A transactional test (`transactional_db`, `live_server`, `django_db(transaction=True)`, a
  `TransactionTestCase`) commits for real, and Django empties every table after it. The hook
  below then puts the session's rows back, exactly as they were, so that the next test of any
  kind sees the same world. Tests therefore never depend on the order they run in (pytest-django
  runs transactional tests last, but nothing here relies on that).

A test about an empty catalog removes it inside its own transaction
(`tests.catalog_data.catalog_remove`); the rollback brings it back. `reset_sequences=True` does
not fit: it restarts PostgreSQL's ids under the world's rows before the test runs.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import override_settings
from pytest_django.fixtures import validate_django_db

WORLD = pytest.StashKey["SessionWorld"]()


@dataclass
class SessionWorld:
    """Every row of the test database as it stood after the session loaded its world."""

    rows: dict[type, list[tuple[Any, ...]]]
    blocker: Any  # pytest-django's DjangoDbBlocker

    @classmethod
    def take(cls, blocker: Any) -> "SessionWorld":
        return cls(rows=database_rows(), blocker=blocker)

    def restore(self) -> None:
        """Empty the database and insert the session's rows again, with their primary keys.

        The flush after a transactional test runs Django's post_migrate handlers, which
        create content types and permissions under new ids; flushing once more without them
        gives an empty database for the snapshot, whose rows keep their ids. Rows go in with
        bulk_create: no save(), no signals, no history records, nothing but the rows as they
        were. Explicit ids do not move PostgreSQL's sequences, and a test may have reset
        them: each is set past the largest id again, so that new rows never collide."""
        from django.contrib.contenttypes.models import ContentType
        from django.core.management import call_command
        from django.core.management.color import no_style
        from django.db import connection, transaction

        with self.blocker.unblock():
            call_command(
                "flush",
                interactive=False,
                verbosity=0,
                reset_sequences=False,
                inhibit_post_migrate=True,
            )
            # Foreign keys are checked at commit (Django declares them deferrable), so the
            # tables may be filled in any order.
            with transaction.atomic():
                for model, rows in self.rows.items():
                    names = _column_names(model)
                    model._base_manager.bulk_create(
                        [model(**dict(zip(names, row, strict=True))) for row in rows]
                    )
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), list(self.rows)):
                        cursor.execute(sql)
            ContentType.objects.clear_cache()


def _models() -> list[type]:
    from django.apps import apps

    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _column_names(model: type) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def database_rows() -> dict[type, list[tuple[Any, ...]]]:
    """Every row of every table of the default database, in primary key order."""
    return {
        model: list(model._base_manager.order_by("pk").values_list(*_column_names(model)))
        for model in _models()
    }


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """Production's PBKDF2 costs half a second per password; the tests set and check
    hundreds of them. What a hasher does is Django's to test, not ours."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """The cache (the catalog API's documents) outlives a test's rolled-back transaction;
    what one test cached must not answer the next."""
    from django.core.cache import cache

    yield
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> None:
    """pytest-django's test database, with Stockholm's catalog loaded once for the session."""
    from django.db import connection

    from tests.catalog_data import load_stockholm

    with django_db_blocker.unblock():
        load_stockholm()
        # A TransactionTestCase with serialized_rollback=True restores what Django serialized
        # when it created the database: make that the world too.
        if hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
        request.config.stash[WORLD] = SessionWorld.take(django_db_blocker)


def _flushes_database(item: pytest.Item) -> bool:
    """Whether Django empties the database after this test (pytest-django's own test)."""
    from django.test import TestCase, TransactionTestCase

    test_class = getattr(item, "cls", None)
    if test_class is not None and issubclass(test_class, TransactionTestCase):
        return not issubclass(test_class, TestCase)
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    fixtures = getattr(item, "fixturenames", ())
    return "transactional_db" in fixtures or "live_server" in fixtures


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    # After the test's own teardown, which is where Django flushes the database. After the
    # last test the session fixtures (the database itself) are gone, and nothing follows.
    try:
        return (yield)
    finally:
        world = item.config.stash.get(WORLD, None)
        if world is not None and nextitem is not None and _flushes_database(item):
            world.restore()


# The local OpenID provider (tests/oidc.py) for the tests of the city's login.
from tests.oidc import oidc, oidc_provider  # noqa: E402, F401
