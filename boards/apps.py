from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "boards"
    verbose_name = "Licensing boards"

    def ready(self):
        # The compliance API joins the verification API (one set of tokens, limits and docs). It
        # is mounted here, before anything builds that API's URLs or OpenAPI document.
        from boards import api

        api.mount()
