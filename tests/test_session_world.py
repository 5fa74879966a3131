"""The session world (tests/conftest.py) is what every test starts from, whatever ran before.

The transactional tests below run in file order (pytest-django runs all transactional tests
after the others, keeping their order): the first commits changes and Django flushes the
database after it; the second must find the session's world again, row for row."""

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection
from django.test import TestCase

from catalog.models import Activity, Board, Programme
from tests.catalog_data import STOCKHOLM, catalog_remove
from tests.conftest import WORLD, database_rows


class CatalogInPlaceTests(TestCase):
    def test_stockholm_is_loaded_without_asking(self) -> None:
        self.assertEqual(list(Programme.objects.values_list("slug", flat=True)), [STOCKHOLM])
        self.assertEqual(Activity.objects.count(), 52)

    def test_catalog_remove_empties_the_catalog_for_this_test_only(self) -> None:
        catalog_remove()
        self.assertFalse(Programme.objects.exists())
        self.assertFalse(Board.objects.exists())


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_commits_and_is_flushed() -> None:
    Programme.objects.filter(slug=STOCKHOLM).delete()
    User.objects.create_user("kvar-efter-testet")
    # The world must come back even where the flush's post_migrate recreates content types
    # under other ids.
    ContentType.objects.all().delete()
    # And where ids would start again from 1, as after a test with reset_sequences.
    with connection.cursor() as cursor:
        sequences = connection.introspection.sequence_list()
        for sql in connection.ops.sequence_reset_by_name_sql(no_style(), sequences):
            cursor.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_the_next_test_finds_the_session_world_row_for_row(request: pytest.FixtureRequest) -> None:
    assert database_rows() == request.config.stash[WORLD].rows
    assert not User.objects.exists()
    assert Programme.objects.get(slug=STOCKHOLM).goals.count() == 7
    # Content types are cached by id: the cache must match the restored table.
    assert ContentType.objects.get_for_model(Programme).model_class() is Programme
    # New rows get ids past the restored ones (PostgreSQL's sequences are set again).
    Board.objects.create(organisation="Stockholms stad", name="Ny nämnd", slug="ny-namnd")
