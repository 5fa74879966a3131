"""Make a new web worker warm before it takes its first request.

Django does much of its work once per process, at first use: it compiles each template
(the cached loader keeps it), builds the URL resolver and reads the translation catalogs.
A new worker's first report page took about 0.5 s of CPU instead of 40 ms, and a worker
with several threads compiled the same templates in each thread that met them cold — under
load, right after a start or after a worker was replaced (`max_requests`), users waited
seconds. `gunicorn.conf.py` calls `warm()` in each worker before it accepts a request.

Nothing here touches the database.
"""

import logging
import sysconfig
from pathlib import Path

from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.template.backends.django import DjangoTemplates
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


def _own_template_names(engine: DjangoTemplates) -> list[str]:
    """The names of the engine's templates in the project's own folders (not third-party
    apps')."""
    base = Path(settings.BASE_DIR).resolve()
    installed = Path(sysconfig.get_paths()["purelib"]).resolve()  # .venv may be inside base
    # The apps' folders too: django-template-partials turns APP_DIRS into an explicit loader.
    folders = [Path(str(folder)) for folder in engine.engine.dirs]
    folders += [Path(folder) for folder in get_app_template_dirs("templates")]
    return sorted(
        {
            path.relative_to(folder).as_posix()
            for folder in folders
            if folder.is_dir()
            and folder.resolve().is_relative_to(base)
            and not folder.resolve().is_relative_to(installed)
            for path in folder.rglob("*")
            if path.suffix in {".html", ".txt", ".xml", ".svg"} and path.is_file()
        }
    )


def warm() -> int:
    """Compile the project's templates, build the URL resolver and load the catalogs;
    returns how many templates were compiled."""
    get_resolver().url_patterns  # noqa: B018 - importing every view module
    get_resolver()._populate()
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("Spara")
    compiled = 0
    for engine in engines.all():
        if not isinstance(engine, DjangoTemplates):
            continue
        for name in _own_template_names(engine):
            try:
                engine.get_template(name)
            except TemplateSyntaxError:
                # The page that uses it fails as it would have; the worker still starts.
                logger.exception("Template %s does not compile", name)
                continue
            compiled += 1
    return compiled
