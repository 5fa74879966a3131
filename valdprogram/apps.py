"""Third-party apps under Swedish names in the admin.

Django's documented way to rename an installed app: a subclass of its AppConfig, named in
INSTALLED_APPS. The apps' models and fields speak Swedish through the project's own
translations (locale/sv), which Django reads before the apps' own (LOCALE_PATHS).
"""

from axes.apps import AppConfig as AxesAppConfig
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = "Inloggningsförsök"


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = "Bakgrundsjobb"
