from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Content"

    def ready(self):
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import Site

        from content import fragments
        from content.models import Reference

        # What cached fragments and page data show of other objects (content.fragments), and
        # the request's site (content.sites).
        fragments.connect([Reference, get_image_model(), get_document_model(), Site])
        fragments.connect_pages()
