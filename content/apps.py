from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Content"

    def ready(self):
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model

        from content import fragments
        from content.models import Reference

        # What a cached lesson body shows of other objects (content.fragments).
        fragments.connect([Reference, get_image_model(), get_document_model()])
