from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "tessera.core.projects"
    label = "projects"
