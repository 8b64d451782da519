from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "tessera.surfaces.feed"
    label = "feed"
