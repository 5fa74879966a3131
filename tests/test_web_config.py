"""How the web servers run the app: gunicorn's configuration and the template cache."""

import runpy
import sys

import pytest
from django.conf import settings
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader


def gunicorn_config(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, object]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))


def test_workers_are_threaded_and_restart_gracefully(monkeypatch: pytest.MonkeyPatch) -> None:
    config = gunicorn_config(monkeypatch)
    assert config["worker_class"] == "gthread"
    assert int(str(config["threads"])) >= 2
    assert int(str(config["graceful_timeout"])) > 0
    # Workers are replaced now and then, not all at once.
    assert int(str(config["max_requests_jitter"])) > 0


def test_a_worker_hands_the_interpreter_lock_over_every_millisecond(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Short requests (health checks, row saves) get through threads drawing pages."""
    before = sys.getswitchinterval()
    try:
        config = gunicorn_config(monkeypatch)
        config["post_worker_init"](None)  # type: ignore[operator]
        assert sys.getswitchinterval() == pytest.approx(0.001)
        gunicorn_config(monkeypatch, GUNICORN_SWITCH_INTERVAL="0.002")["post_worker_init"](None)  # type: ignore[operator]
        assert sys.getswitchinterval() == pytest.approx(0.002)
    finally:
        sys.setswitchinterval(before)


def test_a_bad_number_in_the_environment_stops_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit, match="GUNICORN_SWITCH_INTERVAL must be a number"):
        gunicorn_config(monkeypatch, GUNICORN_SWITCH_INTERVAL="snabbt")


def test_templates_are_compiled_once_in_every_mode() -> None:
    """The cached loader is on whether DEBUG is or not (the report page's templates and
    partials are read and parsed once per process)."""
    (partials,) = engines["django"].engine.template_loaders  # type: ignore[attr-defined]
    # django-template-partials' loader wraps Django's own.
    assert [type(loader) for loader in partials.loaders] == [CachedLoader]


def test_a_new_worker_compiles_the_templates_before_its_first_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cold worker's first report page cost half a second; post_worker_init warms it."""
    (partials,) = engines["django"].engine.template_loaders  # type: ignore[attr-defined]
    (cached,) = partials.loaders
    cached.reset()
    before = sys.getswitchinterval()
    try:
        gunicorn_config(monkeypatch)["post_worker_init"](None)  # type: ignore[operator]
    finally:
        sys.setswitchinterval(before)
    compiled = {template.origin.template_name for template in cached.get_template_cache.values()}
    # The report page and its rows, the dashboard, the documents: every template of our own
    # compiles, so a template with a syntax error is found here too.
    assert {
        "followup/report_detail.html",
        "base.html",
        "documents/styrkort.html",
        "dialogue/_thread.html",  # an app's own folder
    } <= compiled
    # Third-party apps' templates are not ours to compile at start.
    assert "admin/base.html" not in compiled
