from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "tessera.surfaces.boards"
    label = "boards"
