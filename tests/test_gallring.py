"""Retention (issue 14, point 2): `manage.py gallra` removes exactly what is past its time,
in every table, and nothing else; a dry run changes nothing; a second run finds nothing; a
run while another holds the lock does nothing. Two runs at once on PostgreSQL:
tests/test_gallring_pg.py."""

import re
from io import StringIO
from unittest import skipIf

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings

from followup.models import GeneratedDocument
from followup.views.excel import PENDING_PREFIX
from records.locks import exclusive
from tests.document_jobs import MEDIA_ROOT
from tests.followup_data import build_small_world
from tests.retention_data import (
    EXPECTED_REMOVED,
    EXPECTED_REPORTED,
    RETENTION,
    removed,
    seed,
    table_counts,
)


def gallra(*args: str) -> str:
    out = StringIO()
    call_command("gallra", *args, stdout=out, stderr=out)
    return out.getvalue()


def reported(output: str) -> dict[str, int]:
    """What the command says it removed (or would remove), per kind."""
    return {
        match["label"]: int(match["count"])
        for match in re.finditer(
            r"^(?P<label>[^:\n]+): (?P<count>\d+) (?:borttagna|skulle tas bort)", output, re.M
        )
    }


@override_settings(RETENTION=RETENTION, MEDIA_ROOT=MEDIA_ROOT)
class GallraTests(TestCase):
    def setUp(self) -> None:
        self.world = build_small_world()
        self.seeded = seed(self.world)

    def test_removes_exactly_what_is_past_its_time_in_every_table(self) -> None:
        before = table_counts()
        output = gallra()
        self.assertEqual(removed(before, table_counts()), EXPECTED_REMOVED)
        self.assertEqual(
            {label: n for label, n in reported(output).items() if n}, EXPECTED_REPORTED
        )
        # The kept rows are the young ones.
        self.assertTrue(Session.objects.filter(pk=self.seeded.young_expired_session.pk).exists())
        self.assertFalse(GeneratedDocument.objects.filter(pk=self.seeded.old_document.pk).exists())
        self.assertTrue(GeneratedDocument.objects.filter(pk=self.seeded.young_document.pk).exists())

    def test_the_expired_documents_file_goes_and_the_kept_ones_stays(self) -> None:
        self.assertTrue(default_storage.exists(self.seeded.old_file))
        gallra()
        self.assertFalse(default_storage.exists(self.seeded.old_file))
        self.assertTrue(default_storage.exists(self.seeded.young_document.file.name))

    def test_a_stale_excel_import_leaves_the_live_session_and_the_fresh_one_stays(self) -> None:
        gallra()
        session = Session.objects.get(pk=self.seeded.live_session.pk)
        data = SessionStore().decode(session.session_data)
        pending = sorted(key for key in data if key.startswith(PENDING_PREFIX))
        self.assertEqual(pending, [f"{PENDING_PREFIX}{self.world.other_report.pk}"])
        self.assertEqual(data["_auth_user_id"], str(self.world.reporter.pk))  # still signed in

    def test_a_dry_run_changes_nothing_and_says_what_a_run_would_remove(self) -> None:
        before = table_counts()
        sessions = dict(Session.objects.values_list("pk", "session_data"))
        output = gallra("--dry-run")
        self.assertEqual(table_counts(), before)
        self.assertEqual(dict(Session.objects.values_list("pk", "session_data")), sessions)
        self.assertTrue(default_storage.exists(self.seeded.old_file))
        self.assertIn("skulle tas bort", output)
        self.assertEqual(
            {label: n for label, n in reported(output).items() if n}, EXPECTED_REPORTED
        )

    def test_a_second_run_removes_nothing(self) -> None:
        gallra()
        after_first = table_counts()
        output = gallra()
        self.assertEqual(table_counts(), after_first)
        self.assertEqual(set(reported(output).values()), {0})

    @skipIf(connection.vendor == "postgresql", "a PostgreSQL session may take its own lock again")
    def test_a_run_while_another_holds_the_lock_does_nothing(self) -> None:
        before = table_counts()
        with exclusive("gallra") as held:
            self.assertTrue(held)
            output = gallra()
        self.assertEqual(table_counts(), before)
        self.assertIn("körs redan", output)
        self.assertEqual(reported(output), {})
