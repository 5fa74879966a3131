"""The report page's and the API's fast paths write what Django and the standard library
would: choice widgets drawn once for all rows, the file form's select, choice labels,
indented JSON."""

import datetime
import json
from decimal import Decimal

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.forms.renderers import DjangoTemplates
from django.test import SimpleTestCase
from django.utils.translation import gettext_lazy

from followup.forms import ActivityStatusForm
from followup.models import ActivityStatus, Progress, Report, ReportState
from followup.widget_html import (
    EXACT_RENDERER,
    RowBoundField,
    _group,
    field_group,
    row_field_group,
    row_widget,
)
from valdprogram import indented_json
from valdprogram.choice_labels import display


def _row_form(pk: int, data: dict[str, str] | None = None, **values: str) -> ActivityStatusForm:
    return ActivityStatusForm(data, instance=ActivityStatus(pk=pk, version=1, **values))


def _as_django_draws_it(field: forms.BoundField) -> str:
    """The widget as BoundField.as_widget draws it, without RowBoundField's shortcut."""
    return str(forms.BoundField.as_widget(field))


class ChoiceWidgetsTests(SimpleTestCase):
    def test_each_rows_select_and_radio_keep_their_own_names_ids_and_values(self) -> None:
        forms_by_value = [
            _row_form(11, progress="pagar_lopande", assessment="enligt_plan"),
            _row_form(12, progress="pagar_lopande", assessment="enligt_plan"),  # same values
            _row_form(13, progress="", assessment=""),
            _row_form(1, progress="genomford", assessment="ej_enligt_plan"),  # "a1" in "a11"
        ]
        for form in forms_by_value:
            for name in ("progress", "assessment"):
                field = form[name]
                with self.subTest(row=form.prefix, field=name):
                    self.assertIsInstance(field, RowBoundField)
                    self.assertEqual(str(field), _as_django_draws_it(field))
                    self.assertIn(f'name="{form.prefix}-{name}"', str(field))

    def test_a_row_with_errors_says_so_in_its_own_widget(self) -> None:
        data = {"a21-version": "", "a21-progress": "finns-inte", "a21-assessment": "nej"}
        invalid = _row_form(21, data)
        self.assertFalse(invalid.is_valid())
        fresh = _row_form(22, progress="finns-inte")
        for name in ("progress", "assessment"):
            with self.subTest(field=name):
                self.assertIn('aria-invalid="true"', str(invalid[name]))
                self.assertEqual(str(invalid[name]), _as_django_draws_it(invalid[name]))
                self.assertNotIn("aria-invalid", str(fresh[name]))


class FreshRowFieldsTests(SimpleTestCase):
    """A fresh row's fields are drawn once for all rows (followup.widget_html._shaped)."""

    def test_each_rows_fields_keep_their_own_names_ids_and_values(self) -> None:
        rows = [
            _row_form(11, progress="pagar_lopande", assessment="enligt_plan", comment="Ja"),
            _row_form(12, progress="pagar_lopande", assessment="", comment='<b>"Å" & 1</b>'),
            _row_form(13, progress="", assessment="", comment="", not_applicable_reason=""),
            _row_form(1, progress="ej_aktuell", not_applicable_reason="a1 & a11 ändrades"),
        ]
        for form in rows:
            for name in ("progress", "assessment", "comment", "not_applicable_reason"):
                field = form[name]
                with self.subTest(row=form.prefix, field=name):
                    # The field one by one: its widget as Django draws it, in the frame.
                    expected = _group(field, _as_django_draws_it(field))
                    self.assertEqual(str(field_group(field)), str(expected))
                    self.assertEqual(str(row_field_group(form, name)), str(expected))
                    self.assertIn(f'id="id_{form.prefix}-{name}"', str(field_group(field)))
            version = form["version"]
            self.assertEqual(str(row_widget(form, "version")), _as_django_draws_it(version))

    def test_a_row_that_came_back_with_errors_is_drawn_as_typed(self) -> None:
        data = {"a21-version": "", "a21-progress": "finns-inte", "a21-comment": "Typat"}
        invalid = _row_form(21, data, comment="Sparat")
        self.assertFalse(invalid.is_valid())
        self.assertIn("Typat", str(field_group(invalid["comment"])))
        self.assertNotIn("Sparat", str(field_group(invalid["comment"])))


class ExactRendererTests(SimpleTestCase):
    def test_a_select_with_groups_is_drawn_as_djangos_templates_draw_it(self) -> None:
        class Form(forms.Form):
            target = forms.ChoiceField(
                label="Bifoga till",
                choices=[
                    ("bilagor", "Rapporten som helhet"),
                    ("Mål 1", [("a1", "Aktivitet: <Utbilda> & sprida"), ("i2", "Indikator")]),
                ],
            )

        for data in (None, {"target": "a1"}, {"target": "inget"}):
            with self.subTest(data=data):
                exact = Form(data, renderer=EXACT_RENDERER)
                django = Form(data, renderer=DjangoTemplates())
                self.assertEqual(str(exact["target"]), str(django["target"]))


class IndentedJsonTests(SimpleTestCase):
    def test_writes_what_json_dumps_writes(self) -> None:
        payload = {
            "count": 2,
            "empty": {},
            "none": [],
            "text": 'Å "citat" \\ ny\nrad \u2028 <b>',
            "lazy": gettext_lazy("Godkänd"),
            "numbers": [0, -1, 2**70, 1.5, 0.1, float("nan"), float("inf"), -float("inf")],
            "flags": (True, False, None),
            1: "int key",
            2.5: "float key",
            None: "null key",
            False: "bool key",
            "when": datetime.datetime(2026, 12, 1, 15, 30, tzinfo=datetime.UTC),
            "day": datetime.date(2026, 12, 1),
            "amount": Decimal("30.00"),
            "nested": [{"a": [[], [{}], {"b": [1, {"c": None}]}]}],
        }
        expected = json.dumps(payload, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
        self.assertEqual(indented_json.dumps(payload), expected)

    def test_the_response_is_json(self) -> None:
        response = indented_json.IndentedJsonResponse({"detail": "Sidan finns inte."}, status=404)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(json.loads(response.content), {"detail": "Sidan finns inte."})


class ChoiceLabelTests(SimpleTestCase):
    def test_a_label_is_what_get_display_gives(self) -> None:
        for value in [*Progress.values, "", None, "finns-inte"]:
            row = ActivityStatus(progress=value)
            with self.subTest(value=value):
                self.assertEqual(display(row, "progress"), row.get_progress_display())
        for state in [*ReportState.values, "okänt"]:
            report = Report(state=state)
            with self.subTest(state=state):
                self.assertEqual(display(report, "state"), report.get_state_display())
