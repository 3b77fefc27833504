"""django-tasks' database backend under a Chinese name in the admin (its own is English)."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TaskResultsConfig(TasksAppConfig):
    verbose_name = _("后台任务")
